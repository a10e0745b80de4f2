// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dial plan text uses ${VAR} literally
import type { Facts } from "../../facts/model.js";
import type { TollFraudPath } from "../../facts/pbx.js";
import type { Origin } from "../../facts/value.js";
import { type AsteriskEdit, asteriskFix } from "../../remediation/asterisk.js";
import { at } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  dialplanFile,
  dynamicFor,
  EXTENSIONS,
  endpoint,
  endpointRef,
  outsideEndpoints,
  step,
  tollPath,
  withDialplan,
  withSip,
} from "./kit.js";

/** `[a] include => b → [b] Goto(c,…) → [c] Dial(…)` */
export function describePath(p: TollFraudPath): string {
  return p.steps.map((s) => `[${s.context}] ${s.via}`).join(" → ");
}

function restrictFix(facts: Facts, p: TollFraudPath): Fix {
  const restricted = `${p.from}-restricted`;
  const edits: AsteriskEdit[] = outsideEndpoints(facts, p.from).map((e) =>
    e.role === "guest" && e.driver === "chan_sip"
      ? { ref: endpointRef(e), set: [["allowguest", "no"]] }
      : { ref: endpointRef(e), set: [["context", restricted]] },
  );
  const guest = facts.pbx.sip.known ? facts.pbx.sip.value.policy.allowGuest : undefined;
  if (edits.length === 0 && guest?.known && guest.value && p.entry.includes("allowguest")) {
    const o = guest.at.find((x) => x.kind === "config");
    edits.push({
      ref: {
        language: "asterisk",
        file: o?.kind === "config" ? o.file : "etc/asterisk/sip.conf",
        section: "general",
      },
      set: [["allowguest", "no"]],
    });
  }
  edits.push({
    ref: { language: "asterisk", file: dialplanFile(p.steps[0]?.at ?? []), section: restricted },
    set: [["exten", "_X.,1,Hangup()"]],
  });
  const first = p.steps[0];
  const cut =
    first && p.steps.length > 1
      ? ` Or cut the step that leads out, \`${first.via}\` in [${first.context}], if nothing else needs it.`
      : "";
  return asteriskFix(
    `Make calls from ${p.entry} land in a context that can only reach your own numbers: point the endpoint at a new [${restricted}] that hangs up by default, then add one \`exten = <DID>,1,Goto(<destination>,<extension>,1)\` line per number you serve, to destinations that cannot dial out.${cut}`,
    edits,
  );
}

export const tollFraudReachability: Rule = {
  meta: {
    id: "toll-fraud-reachability",
    title: "Calls from trunks and unauthenticated callers cannot reach an outbound trunk",
    severity: "critical",
    guidelines: ["VPX-06"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "Toll fraud's classic path: a call from outside lands in a context that includes, or jumps to, a context that dials out through a trunk, and the caller dials premium or international numbers at the owner's expense. VitalPBX asks to route inbound calls only to restrictive contexts (class of service), never to an IVR or trunk context that can dial out.",
    remediation:
      "Give trunks, the anonymous endpoint and guest calls their own context that routes each DID explicitly to an internal destination, and never include or jump from it into contexts that Dial a trunk.",
  },
  check(facts) {
    const dp = facts.pbx.dialplan;
    if (!dp.known) return [unknownFrom(dp, "Whether inbound calls can dial out")];
    const sip = facts.pbx.sip;
    if (!sip.known)
      return [unknownFrom(sip, "Which contexts calls from outside land in (and so toll fraud)")];
    const plan = dp.value;
    const out: Finding[] = [];
    for (const p of plan.tollFraud) {
      const inbound = plan.inbound.find((i) => i.context === p.from);
      const evidence: Origin[] = [...(inbound?.at ?? []), ...p.steps.flatMap((s) => s.at)];
      out.push(
        fail(
          `a call from ${p.entry} lands in [${p.from}] and can reach ${p.dial.application} through ${p.dial.trunk}: ${describePath(p)}`,
          evidence,
          restrictFix(facts, p),
          { subject: `[${p.from}] → ${p.dial.trunk}` },
        ),
      );
    }
    const failed = new Set(plan.tollFraud.map((p) => p.from));
    const rest = plan.inbound.filter((i) => !failed.has(i.context));
    if (plan.inbound.length === 0) {
      const dyn = dynamicFor(plan, "");
      if (dyn.length)
        return [
          undecided(
            `no inbound-facing context is known, and part of the configuration is generated: ${dyn.map((d) => d.via).join("; ")}`,
            dyn.flatMap((d) => d.at),
          ),
        ];
      return [
        pass(
          "no trunk, anonymous endpoint or guest access is configured: no call from outside lands in the dial plan",
          [...sip.at, ...dp.at],
        ),
      ];
    }
    for (const i of rest) {
      const subject = `[${i.context}]`;
      const dyn = dynamicFor(plan, i.context);
      if (dyn.length) {
        out.push(
          undecided(
            `calls from ${i.entry} land in [${i.context}]; no literal path to an outbound Dial was found, but the search meets targets computed at run time: ${dyn
              .slice(0, 5)
              .map((d) => d.via)
              .join("; ")}${dyn.length > 5 ? ` and ${dyn.length - 5} more` : ""}`,
            [...i.at, ...dyn.flatMap((d) => d.at)],
            { subject },
          ),
        );
      } else if (!plan.contexts.includes(i.context)) {
        out.push(
          pass(
            `calls from ${i.entry} are meant for [${i.context}], which the dial plan does not define: Asterisk rejects them`,
            i.at,
            { subject },
          ),
        );
      } else {
        out.push(
          pass(
            `calls from ${i.entry} land in [${i.context}], from which no include or jump leads to a Dial through a trunk (assuming a Dial to PJSIP/\${EXTEN} without @ reaches a local phone, and AGI scripts and Stasis applications do not send the call elsewhere)`,
            [...i.at, ...dp.at],
            { subject },
          ),
        );
      }
    }
    return out;
  },
  cases: [
    {
      name: "trunk context includes the phones' context, which dials out",
      facts: (f) => {
        withSip(f, [
          endpoint("itsp", "trunk", "from-trunk"),
          endpoint("1001", "extension", "phones"),
        ]);
        withDialplan(f, {
          contexts: ["from-trunk", "phones", "outbound"],
          inbound: [{ context: "from-trunk", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] }],
          tollFraud: [
            tollPath(
              "from-trunk",
              "trunk itsp (pjsip)",
              [
                {
                  context: "from-trunk",
                  via: "include => phones",
                  at: [at("include => phones", 3, EXTENSIONS)],
                },
                step("phones", "Goto(outbound,${EXTEN},1)", 7),
                step("outbound", "Dial(PJSIP/${EXTEN}@itsp)", 12),
              ],
              "PJSIP/itsp",
            ),
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "trunk context only routes DIDs",
      facts: (f) => {
        withSip(f, [endpoint("itsp", "trunk", "from-trunk")]);
        withDialplan(f, {
          contexts: ["from-trunk", "outbound"],
          inbound: [{ context: "from-trunk", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] }],
        });
      },
      expect: ["pass"],
    },
    {
      name: "a dynamic Goto on the way",
      facts: (f) => {
        withSip(f, [endpoint("itsp", "trunk", "from-trunk")]);
        withDialplan(f, {
          contexts: ["from-trunk"],
          inbound: [{ context: "from-trunk", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] }],
          dynamicJumps: [
            {
              context: "from-trunk",
              via: "Goto(${DEST}) (reached from from-trunk: from-trunk)",
              from: "from-trunk",
              at: [at("exten => s,1,Goto(${DEST})", 4, EXTENSIONS)],
            },
          ],
        });
      },
      expect: ["unknown"],
    },
    {
      name: "SIP facts unknown",
      facts: (f) => {
        withDialplan(f, { contexts: ["from-trunk"] });
      },
      expect: ["unknown"],
    },
  ],
};
