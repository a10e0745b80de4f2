/**
 * Teltonika RutOS: the modem switching to the other SIM card (failover on no network, data limit,
 * roaming, a WebUI/SMS request…).
 *
 * Confirmed (RUT9xx legacy SDK, /sbin/sim_switch helper, events log type "Web UI"):
 *
 *   Switched from SIM 1 to SIM 2
 *   Switched from SIM 2 to SIM 1
 *
 * Assumed (RutOS 7): Events Reporting's "SIM switch" rules match the substrings "to SIM1" /
 * "to SIM2" (vuci events_reporting rule list, "Changing to SIM1/SIM2" in the UI) — the sentence
 * itself is written by the closed-source sim_switch daemon. Accepted when the message starts with
 * it (optionally after "SIM switch: "):
 *
 *   Sep 15 14:54:39 RUTX11 SIM switch: Switching to SIM2
 *   Sep 15 14:54:39 RUTX11 Changed from SIM1 to SIM2
 *
 * A line that also says it failed ("… failed", "unable", "error") is not a switch. An SMS or a
 * user name quoting "Switched to SIM 2" inside another program's message does not count: the text
 * must start the message (see ./rutos.ts). gsmd's own chatter is not parsed.
 */
import { rutosBody } from "./rutos.js";
import type { EventDetector } from "./types.js";
import { execAt, fieldsOf, makeEvent } from "./util.js";

const EXTRA_PROGS: ReadonlySet<string> = new Set(["sim_switch", "simswitch", "sim-switch"]);
const SWITCH =
  /(?:SIM switch(?:ed|ing)?:?\s+)?(?:Switch(?:ed|ing)?|Chang(?:ed|ing)|Swapp(?:ed|ing))\s+(?:SIM(?: card)?\s+)?(?:from\s+SIM ?(\d)\s+)?to\s+SIM ?(\d)\b([^\r\n]{0,200})/iy;
const FAILED = /\b(?:fail|failed|failure|unable|error|not\b|cannot|can't)/i;

export const simSwitchDetector: EventDetector = {
  name: "sim-switch",
  kinds: ["sim-switch"],
  precheck: (text) => text.includes("to SIM") || text.includes("to sim"),
  detect(view) {
    const at = rutosBody(view, EXTRA_PROGS);
    if (at < 0) return undefined;
    const m = execAt(SWITCH, view.text, at);
    if (!m) return undefined;
    if (FAILED.test(m[3] ?? "")) return undefined;
    const from = m[1];
    const to = m[2];
    return makeEvent(
      view,
      "sim-switch",
      "sim-switch",
      from ? `SIM switched from SIM${from} to SIM${to}` : `SIM switched to SIM${to}`,
      { fields: fieldsOf({ from, to }) },
    );
  },
};
