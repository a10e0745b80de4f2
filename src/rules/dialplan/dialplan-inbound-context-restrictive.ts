import type { Facts } from "../../facts/model.js";
import { type DialplanInclude, GENERATED_CONTEXT } from "../../facts/pbx.js";
import type { AsteriskEdit } from "../../remediation/asterisk.js";
import { asteriskLines } from "../../remediation/asterisk.js";
import { at } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  dialplanFile,
  endpoint,
  endpointRef,
  include,
  includeClosure,
  internalContexts,
  outsideEndpoints,
  withDialplan,
  withSip,
} from "./kit.js";

/** Deleting one line: asteriskLines gives the file, section and reload; the line is named exactly. */
function deleteLine(file: string, section: string, line: string, where: string): Fix {
  const lines = asteriskLines([{ ref: { language: "asterisk", file, section } }]);
  lines.splice(1, 0, `; delete this line (${where}): ${line}`);
  return {
    summary: `Stop [${section}] from taking in a whole internal context: delete \`${line}\` and route each DID explicitly (exten = <DID>,1,Goto(<destination>,<extension>,1)).`,
    commands: { language: "asterisk", lines },
  };
}

function moveFix(facts: Facts, context: string, file: string): Fix {
  const target = `${context}-inbound`;
  const edits: AsteriskEdit[] = outsideEndpoints(facts, context).map((e) =>
    // chan_sip's [general] context is also the default of every peer without one: turn guests off.
    e.role === "guest" && e.driver === "chan_sip"
      ? { ref: endpointRef(e), set: [["allowguest", "no"]] }
      : { ref: endpointRef(e), set: [["context", target]] },
  );
  edits.push({
    ref: { language: "asterisk", file, section: target },
    set: [["exten", "_X.,1,Hangup()"]],
  });
  const lines = asteriskLines(edits);
  return {
    summary: `Give calls from outside their own context instead of the phones' one: point the endpoint(s) at a new [${target}] that hangs up by default, then add one exten = <DID>,1,Goto(<destination>,<extension>,1) line per number you serve.`,
    commands: { language: "asterisk", lines },
  };
}

export const dialplanInboundContextRestrictive: Rule = {
  meta: {
    id: "dialplan-inbound-context-restrictive",
    title: "Inbound contexts do not take in the phones' (internal) contexts wholesale",
    severity: "high",
    guidelines: ["VPX-06"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "`include => default` or `include => from-internal` in the context a trunk lands in gives every outside caller the same class of service as an office phone: internal features, voicemail administration, and whatever the phones can dial. VitalPBX asks for restrictive contexts that only reach the intended destinations.",
    remediation:
      "Route each DID of the inbound context explicitly (exten = DID,1,Goto(destination)) instead of including internal contexts, and never let a trunk land in the phones' context.",
  },
  check(facts) {
    const dp = facts.pbx.dialplan;
    if (!dp.known) return [unknownFrom(dp, "What inbound contexts include")];
    const sip = facts.pbx.sip;
    if (!sip.known) return [unknownFrom(sip, "Which contexts calls from outside land in")];
    const detail = dp.value;
    const includes = detail.includes;
    if (!includes)
      return [
        undecided("the dial plan's includes are not known (facts from another source)", dp.at),
      ];
    if (detail.inbound.length === 0)
      return [
        pass(
          "no trunk, anonymous endpoint or guest access is configured: no call from outside lands in the dial plan",
          [...sip.at, ...dp.at],
        ),
      ];
    const internal = internalContexts(facts);
    return detail.inbound.map((i): Finding => {
      const subject = `[${i.context}]`;
      const why = internal.get(i.context);
      if (why && why !== "the conventional internal context") {
        return fail(
          `calls from ${i.entry} land in [${i.context}], ${why}: callers from outside get the phones' whole class of service`,
          i.at,
          moveFix(
            facts,
            i.context,
            dialplanFile(includes.filter((x) => x.from === i.context).flatMap((x) => x.at)),
          ),
          { subject },
        );
      }
      if (why) {
        return fail(
          `calls from ${i.entry} land in [${i.context}], ${why} (the phones' class of service by convention)`,
          i.at,
          moveFix(facts, i.context, "etc/asterisk/extensions.conf"),
          { subject },
        );
      }
      const closure = includeClosure(includes, i.context);
      const hits = [...closure.entries()].filter(([ctx]) => internal.has(ctx));
      if (hits.length === 0) {
        const names = [...closure.keys()];
        const generated = detail.dynamicJumps.filter((d) => d.context === GENERATED_CONTEXT);
        if (generated.length)
          return undecided(
            `[${i.context}] (${i.entry}) includes no internal context in the files read, but part of the dial plan is generated: ${generated.map((d) => d.via).join("; ")}`,
            [...i.at, ...generated.flatMap((d) => d.at)],
            { subject },
          );
        return pass(
          names.length
            ? `[${i.context}] (${i.entry}) includes ${names.map((n) => `[${n}]`).join(", ")}, none of them an internal context`
            : `[${i.context}] (${i.entry}) includes no other context`,
          [...i.at, ...[...closure.values()].flatMap((c) => c.flatMap((x) => x.at))],
          { subject },
        );
      }
      const [ctx, chain] = hits[0] as [string, DialplanInclude[]];
      const first = chain[0] as DialplanInclude;
      const origin = first.at.find((o) => o.kind === "config");
      const where =
        origin?.kind === "config"
          ? `${origin.file}${origin.line ? `:${origin.line}` : ""}`
          : first.from;
      return fail(
        `[${i.context}] (${i.entry}) includes ${hits.map(([c]) => `[${c}]`).join(", ")} (${internal.get(ctx)}) through ${chain
          .map((x) => `[${x.from}] include => ${x.to}`)
          .join(" → ")}: outside callers can dial whatever phones can`,
        [...i.at, ...chain.flatMap((x) => x.at)],
        deleteLine(
          origin?.kind === "config" ? origin.file : "etc/asterisk/extensions.conf",
          first.from,
          `include => ${first.to}`,
          where,
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "trunk context includes from-internal",
      facts: (f) => {
        withSip(f, [endpoint("itsp", "trunk", "from-trunk")]);
        withDialplan(f, {
          contexts: ["from-trunk", "from-internal"],
          inbound: [{ context: "from-trunk", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] }],
          includes: [include("from-trunk", "from-internal", 3)],
        });
      },
      expect: ["fail"],
    },
    {
      name: "trunk lands in the phones' context",
      facts: (f) => {
        withSip(f, [endpoint("itsp", "trunk", "office"), endpoint("1001", "extension", "office")]);
        withDialplan(f, {
          contexts: ["office"],
          inbound: [{ context: "office", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] }],
        });
      },
      expect: ["fail"],
    },
    {
      name: "trunk context includes only IVR and DID contexts (basic-pbx shape)",
      facts: (f) => {
        withSip(f, [
          endpoint("itsp", "trunk", "DCS-Incoming"),
          endpoint("1101", "extension", "Long-Distance"),
        ]);
        withDialplan(f, {
          contexts: ["DCS-Incoming", "Main-IVR", "DID-Extensions", "Long-Distance"],
          inbound: [
            { context: "DCS-Incoming", entry: "trunk itsp (pjsip)", at: [at("[itsp]", 8)] },
          ],
          includes: [
            include("DCS-Incoming", "Main-IVR", 2),
            include("DCS-Incoming", "DID-Extensions", 3),
          ],
        });
      },
      expect: ["pass"],
    },
  ],
};
