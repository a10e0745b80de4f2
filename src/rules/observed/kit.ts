/**
 * What the log rules share: reading `facts.observed` (which services the logs vouch for, the
 * window in words, the lines read), and compact builders for their own cases, whose facts carry
 * log origins as an extraction from real lines would.
 */
import type { Facts } from "../../facts/model.js";
import type {
  BruteForceCampaign,
  LinkEventSeen,
  LoginSeen,
  ObservedActivity,
  ObservedService,
} from "../../facts/observed.js";
import { known, type LogOrigin, type Origin, type Unknown } from "../../facts/value.js";
import { notApplicable, undecided, unknownFrom } from "../outcome.js";
import type { Finding } from "../types.js";

export const SERVICE_LABEL: Record<ObservedService, string> = {
  ssh: "SSH",
  sip: "SIP",
  iax2: "IAX2",
  ami: "Asterisk Manager (AMI)",
  web: "web UI",
  provisioning: "provisioning server",
};

/** What a campaign's failures are, in a sentence: "failed SSH logins". */
export const FAILURES_OF: Record<ObservedService, string> = {
  ssh: "failed SSH logins",
  sip: "failed SIP authentications",
  iax2: "failed IAX2 authentications",
  ami: "failed AMI logins",
  web: "failed web UI logins",
  provisioning: "abusive provisioning requests (devices created, configuration files asked for)",
};

/** "at T" for one time, "between A and B" for two. */
export function spanText(first: string | undefined, last: string | undefined): string {
  if (!first) return "";
  return !last || last === first ? `at ${first}` : `between ${first} and ${last}`;
}

export const SERVICE_ORDER: ObservedService[] = [
  "ssh",
  "sip",
  "iax2",
  "ami",
  "web",
  "provisioning",
];

/** "between 2026-03-05T10:00:10+00:00 and 2026-03-05T11:06:00+00:00 (1.1 h)", or "in the logs read". */
export function windowText(obs: ObservedActivity): string {
  const w = obs.window;
  return w ? `between ${w.from} and ${w.to} (${w.hours} h)` : "in the logs read (no timestamps)";
}

/** Services a quiet log vouches for, or that showed failures. */
export function coveredServices(obs: ObservedActivity): Set<ObservedService> {
  const out = new Set<ObservedService>();
  for (const s of obs.sources) for (const c of s.covers) out.add(c);
  for (const c of obs.campaigns) out.add(c.service);
  return out;
}

/** The logs read, as evidence (one origin per file). */
export function sourcesRead(obs: ObservedActivity, pick: (kind: string) => boolean = () => true) {
  return obs.sources
    .filter((s) => pick(s.kind))
    .map(
      (s): LogOrigin => ({
        kind: "log",
        file: s.file,
        excerpt: `${s.lines} line(s) read as ${s.kind}${s.from && s.to ? `, ${s.from.time} to ${s.to.time}` : ""}`,
      }),
    );
}

/** Log kinds that record logins (sshd's auth log, a whole syslog, Asterisk's AMI logons). */
export const EVENT_KINDS = new Set(["auth", "syslog", "asterisk", "any"]);
/** Log kinds that hold the kernel's and netifd's link lines: a whole system log. */
export const LINK_KINDS = new Set(["syslog", "any"]);

const LOGIN_LABEL: Record<string, string> = {
  ssh: "SSH",
  webui: "WebUI",
  ami: "AMI",
  "ami-http": "AMI over HTTP",
};

/** "SSH", "WebUI", "AMI" for a login's service. */
export function loginLabel(service: string): string {
  return LOGIN_LABEL[service] ?? service;
}

/** Evidence without repeats, at most `max` entries. */
export function firstOrigins(origins: readonly Origin[], max = 8): Origin[] {
  const seen = new Set<string>();
  const out: Origin[] = [];
  for (const o of origins) {
    const k = JSON.stringify(o);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(o);
    if (out.length >= max) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Case builders

export function logAt(
  excerpt: string,
  line = 1,
  file = "case/var/log/auth.log",
  time = "2026-03-05T10:00:00+00:00",
): LogOrigin {
  return { kind: "log", file, line, time, excerpt };
}

export function activity(p: Partial<ObservedActivity> = {}): ObservedActivity {
  return {
    window: { from: "2026-03-05T00:00:00+00:00", to: "2026-03-05T23:59:59+00:00", hours: 24 },
    sources: [
      {
        file: "case/var/log/auth.log",
        kind: "auth",
        covers: ["ssh"],
        lines: 1200,
        detectors: ["sshd", "dropbear"],
      },
    ],
    campaigns: [],
    bans: [],
    logins: [],
    configChanges: [],
    links: [],
    simSwitches: [],
    reboots: [],
    omitted: {},
    ...p,
  };
}

export function withActivity(f: Facts, p: Partial<ObservedActivity> = {}): void {
  const a = activity(p);
  f.observed = known(a, ...a.sources.map((s): LogOrigin => ({ kind: "log", file: s.file })));
}

/** A campaign of `failures` from one public address, as the extractor reports it. */
export function campaign(
  p: Partial<BruteForceCampaign> & Pick<BruteForceCampaign, "service">,
): BruteForceCampaign {
  const line =
    p.service === "ssh"
      ? "Mar  5 10:00:10 pbx sshd[2000]: Failed password for invalid user admin from 203.0.113.50 port 40000 ssh2"
      : "[2026-03-05 10:00:10] NOTICE[1638] chan_sip.c: Registration from '<sip:301@pbx>' failed for '203.0.113.50:5060' - Wrong password";
  const file = p.service === "ssh" ? "case/var/log/auth.log" : "case/var/log/asterisk/messages";
  return {
    detectors: [p.service === "ssh" ? "sshd" : "asterisk"],
    failures: 40,
    addressCount: 1,
    first: "2026-03-05T10:00:10+00:00",
    last: "2026-03-05T10:20:00+00:00",
    maxPerAddressInFindtime: 30,
    threshold: { maxretry: 5, findtimeSeconds: 600, bantimeSeconds: 600, at: [] },
    continuedPastThreshold: 0,
    failuresPastThreshold: 0,
    continuedUnbanned: 0,
    bansSeen: 0,
    continuedAfterBan: 0,
    attackers: [],
    samples: [logAt(line, 1, file)],
    ...p,
  };
}

export function login(p: Partial<LoginSeen> = {}): LoginSeen {
  const address = p.address ?? "192.168.1.10";
  return {
    kind: "login-success",
    detail: `SSH login (OpenSSH, publickey) as ops from ${address} port 50000`,
    time: "2026-03-05T10:05:00+00:00",
    detector: "openssh",
    at: [
      logAt(
        `Mar  5 10:05:00 pbx sshd[3000]: Accepted publickey for ${p.user ?? "ops"} from ${address} port 50000 ssh2`,
        13,
      ),
    ],
    service: "ssh",
    user: "ops",
    address,
    public: false,
    seenBefore: false,
    newAddress: false,
    failuresBefore: 0,
    ...p,
  };
}

export function linkDown(iface = "eth1", p: Partial<LinkEventSeen> = {}): LinkEventSeen {
  return {
    kind: "link-down",
    detail: `Link down on ${iface}`,
    time: "2026-03-05T03:12:40+00:00",
    detector: "netifd",
    at: [
      logAt(
        `Thu Mar  5 03:12:40 2026 daemon.notice netifd: Network device '${iface}' link is down`,
        88,
        "case/logread.txt",
        "2026-03-05T03:12:40+00:00",
      ),
    ],
    interface: iface,
    physical: true,
    ...p,
  };
}

/**
 * A log rule's answer when its facts are unknown. With no log read at all (a configuration
 * audit), logs are simply not part of this audit: not applicable, as a missing live scan is for
 * the cross-check — never a pass. A log that was read but could not be judged stays unknown.
 */
export function withoutLogs(obs: Unknown, what: string): Finding {
  if (obs.at.length === 0)
    return notApplicable(
      `${what} is judged from logs, and none was read (audit PATH --logs FILE, or a root with var/log)`,
    );
  return unknownFrom(obs, what);
}

/**
 * A log rule's findings: `judge` on the activity read, or the one finding when there is none to
 * judge: no log read (see withoutLogs), or none of the logs read is of a kind that can show it
 * (`readable` false; `unreadable` says why, citing the logs read).
 */
export function judgeActivity(
  facts: Facts,
  what: string,
  readable: (o: ObservedActivity) => boolean,
  unreadable: string,
  judge: (o: ObservedActivity) => Finding[],
): Finding[] {
  const obs = facts.observed;
  if (!obs.known) return [withoutLogs(obs, what)];
  const o = obs.value;
  if (!readable(o)) return [undecided(unreadable, sourcesRead(o))];
  return judge(o);
}
