// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dial plan text uses ${VAR} literally
/**
 * The dial plan graph and VPX-06 on dial plans written for the test: a trunk context that reaches
 * an outbound Dial through a chain of includes (must fail, with the path), one that cannot (must
 * pass), one with a computed Goto (must be unknown), and the parsing details on the way: Gosub,
 * Macro, Local channels, DISA, ExecIf, GotoIf branches, [globals], masked secrets, #exec.
 * SIP facts are built by hand so that these tests depend on the dial plan extractor only.
 */
import { describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { AsteriskContext } from "../src/extract/pbx/context.js";
import {
  extractDialplan,
  MAX_PATHS,
  maskDialplanSecrets,
  parseApp,
  splitTop,
} from "../src/extract/pbx/dialplan.js";
import { emptyFacts } from "../src/facts/empty.js";
import type { Facts } from "../src/facts/model.js";
import type { DialplanFacts, SipEndpoint } from "../src/facts/pbx.js";
import { DIALPLAN_RULES } from "../src/rules/dialplan/index.js";
import { endpoint, withSip } from "../src/rules/dialplan/kit.js";
import { MemoryTree } from "../src/sources/tree.js";
import { result, statuses } from "./support/report.js";

const now = new Date("2026-11-21T00:00:00Z");

function dialplan(
  files: Record<string, string>,
  endpoints: SipEndpoint[] | undefined,
): { facts: Facts; plan: DialplanFacts; report: TargetReport } {
  const tree = new MemoryTree("pbx.tar");
  for (const [name, text] of Object.entries(files))
    tree.add(`etc/asterisk/${name}`, Buffer.from(text));
  const facts = emptyFacts({ name: "pbx.tar", kind: "backup" });
  facts.device.class = { known: true, value: "pbx", at: [] };
  if (endpoints) withSip(facts, endpoints);
  extractDialplan(new AsteriskContext(tree), facts);
  if (!facts.pbx.dialplan.known) throw new Error(facts.pbx.dialplan.reason);
  const plan = facts.pbx.dialplan.value;
  return { facts, plan, report: runRules(facts, DIALPLAN_RULES, settingsFrom({}), now) };
}

const SIP = [endpoint("itsp", "trunk", "from-itsp"), endpoint("1001", "extension", "phones")];

const INCLUDE_CHAIN = `
[globals]
TRUNK=PJSIP/itsp

[from-itsp]
include => did-routing

[did-routing]
exten => 5551000,1,Goto(ivr,s,1)
include => internal-features

[internal-features]
exten => *98,1,VoiceMailMain()
include => longdistance

[longdistance]
exten => _1NXXNXXXXXX,1,Gosub(sub-dialout,s,1(\${EXTEN}))

[sub-dialout]
exten => s,1,Dial(PJSIP/\${ARG1}@itsp,60)
 same => n,Return()

[ivr]
exten => s,1,Background(welcome)

[phones]
include => internal-features
`;

describe("toll fraud: a trunk context that reaches the outbound Dial through includes", () => {
  const { plan, report } = dialplan({ "extensions.conf": INCLUDE_CHAIN }, SIP);

  it("finds the path: three includes, a Gosub, the Dial to the trunk", () => {
    expect(plan.inbound.map((i) => [i.context, i.entry])).toEqual([
      ["from-itsp", "trunk itsp (pjsip)"],
    ]);
    expect(plan.tollFraud).toHaveLength(1);
    const p = plan.tollFraud[0];
    expect(p?.steps.map((s) => `[${s.context}] ${s.via}`)).toEqual([
      "[from-itsp] include => did-routing",
      "[did-routing] include => internal-features",
      "[internal-features] include => longdistance",
      "[longdistance] Gosub(sub-dialout,s,1(${EXTEN}))",
      "[sub-dialout] Dial(PJSIP/${ARG1}@itsp,60)",
    ]);
    expect(p?.dial).toMatchObject({ application: "Dial", trunk: "PJSIP/itsp" });
    expect(p?.dial.at[0]).toMatchObject({
      file: "pbx.tar!etc/asterisk/extensions.conf",
      line: 20,
      excerpt: "exten => s,1,Dial(PJSIP/${ARG1}@itsp,60)",
    });
    expect(plan.dynamicJumps).toEqual([]);
  });

  it("fails critical, with the path as evidence and a fix that moves the trunk to a restrictive context", () => {
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["fail"]);
    const r = result(report, "toll-fraud-reachability");
    expect(r.severity).toBe("critical");
    expect(r.message).toContain(
      "[from-itsp] include => did-routing → [did-routing] include => internal-features",
    );
    expect(r.evidence.map((e) => (e.kind === "config" ? e.line : 0))).toEqual([
      8, 9, 6, 10, 14, 17, 20,
    ]);
    expect(r.remediation?.commands?.lines).toEqual([
      "; case/etc/asterisk/pjsip.conf, section [itsp]",
      "context = from-itsp-restricted",
      "; pbx.tar!etc/asterisk/extensions.conf, section [from-itsp-restricted]",
      "exten = _X.,1,Hangup()",
      "; then: asterisk -rx 'pjsip reload'",
      "; then: asterisk -rx 'dialplan reload'",
    ]);
    expect(r.remediation?.summary).toContain("`include => did-routing` in [from-itsp]");
  });

  it("the inbound context does not include the phones' context itself, so that rule passes", () => {
    expect(statuses(report, "dialplan-inbound-context-restrictive")).toEqual(["pass"]);
  });
});

describe("toll fraud: a trunk context that cannot dial out", () => {
  const SAFE = `
[from-itsp]
exten => 5551000,1,Goto(ivr,s,1)
exten => 5551001,1,Dial(PJSIP/1001,30)

[ivr]
exten => s,1,Background(welcome)
 same => n,WaitExten(5)
exten => 1,1,Goto(from-itsp,5551001,1)
exten => 2,1,Macro(voicemail,1001)
exten => i,1,Goto(s,1)

[macro-voicemail]
exten => s,1,VoiceMail(\${ARG1})

[phones]
include => outbound

[outbound]
exten => _X.,1,Dial(PJSIP/\${EXTEN}@itsp)
`;
  const { plan, report } = dialplan({ "extensions.conf": SAFE }, SIP);

  it("the IVR loops back (a cycle) and the phones' outbound context is not reachable: pass", () => {
    expect(plan.tollFraud).toEqual([]);
    expect(plan.dynamicJumps).toEqual([]);
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["pass"]);
    expect(result(report, "toll-fraud-reachability").message).toMatch(/no include or jump leads/);
  });

  it("the same dial plan fails once the trunk lands in the phones' context", () => {
    const r = dialplan({ "extensions.conf": SAFE }, [
      endpoint("itsp", "trunk", "phones"),
      endpoint("1001", "extension", "phones"),
    ]);
    expect(r.plan.tollFraud.map((p) => p.steps.map((s) => s.context).join(">"))).toEqual([
      "phones>outbound",
    ]);
    expect(statuses(r.report, "toll-fraud-reachability")).toEqual(["fail"]);
    expect(statuses(r.report, "dialplan-inbound-context-restrictive")).toEqual(["fail"]);
  });
});

describe("toll fraud: a computed Goto makes it unknown", () => {
  const DYNAMIC = `
[from-itsp]
exten => _X.,1,Set(DEST=\${DB(route/\${EXTEN})})
 same => n,Goto(\${DEST})

[outbound]
exten => _X.,1,Dial(PJSIP/\${EXTEN}@itsp)
`;
  const { plan, report } = dialplan({ "extensions.conf": DYNAMIC }, SIP);

  it("records the jump, reached from the trunk's context", () => {
    expect(plan.dynamicJumps).toEqual([
      expect.objectContaining({
        context: "from-itsp",
        via: "Goto(${DEST}) (reached from from-itsp: from-itsp)",
      }),
    ]);
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["unknown"]);
    expect(result(report, "toll-fraud-reachability").message).toContain("Goto(${DEST})");
  });

  it("a computed trunk in Dial is unknown too; a [globals] trunk never set is resolved", () => {
    const viaVar = dialplan(
      {
        "extensions.conf":
          "[from-itsp]\nexten => _X.,1,Set(OUT=PJSIP/itsp)\n same => n,Dial(${OUT}/${EXTEN})\n",
      },
      SIP,
    );
    expect(statuses(viaVar.report, "toll-fraud-reachability")).toEqual(["unknown"]);
    const viaGlobal = dialplan(
      {
        "extensions.conf":
          "[globals]\nOUT=PJSIP/itsp\n[from-itsp]\nexten => _X.,1,Dial(${OUT}/${EXTEN})\n",
      },
      SIP,
    );
    expect(viaGlobal.plan.tollFraud.map((p) => p.dial.trunk)).toEqual(["PJSIP/itsp"]);
    expect(statuses(viaGlobal.report, "toll-fraud-reachability")).toEqual(["fail"]);
  });

  it("a variable Goto target that stays in the context (two arguments) does not count", () => {
    const r = dialplan(
      {
        "extensions.conf":
          "[from-itsp]\nexten => _X.,1,Dial(PJSIP/${EXTEN:6})\n same => n,Goto(dialed-${DIALSTATUS},1)\n",
      },
      SIP,
    );
    expect(r.plan.dynamicJumps).toEqual([]);
    expect(statuses(r.report, "toll-fraud-reachability")).toEqual(["pass"]);
  });
});

describe("the ways a dial plan leaves a context", () => {
  const WAYS = `
[from-itsp]
exten => 100,1,GotoIf($["\${CALLERID(num)}" = "123"]?vip,s,1:regular,s,1)
exten => 101,1,ExecIf($[1]?Gosub(sub-a,s,1))
exten => 102,1,Dial(Local/\${EXTEN}@via-local/n,30)
exten => 103,1,DISA(no-password,disa-out)
exten => 104,1,GosubIf(\${X}?sub-b,s,1(a,b):sub-c,s,1)
exten => 105,1,Macro(dialout,\${EXTEN})
exten => 106,1,Directory(default,dir-ctx)
exten => 107,1,Dial(PJSIP/1001,30,G(after-answer^s^1))
exten => 108,1,MacroIf(\${X}?noop-macro,1:dialout2,\${EXTEN})

[vip]
exten => s,1,Dial(SIP/\${EXTEN}@sip.example.net)
[regular]
exten => s,1,Dial(IAX2/bob:Sup3rS3cretIAX@pbx2/\${EXTEN})
[sub-a]
exten => s,1,Dial(DAHDI/g1/\${EXTEN})
[via-local]
exten => _X.,1,Dial(SIP/gw/\${EXTEN})
[disa-out]
exten => _X.,1,Dial(PJSIP/\${EXTEN}@itsp)
[sub-b]
exten => s,1,Return()
[sub-c]
exten => s,1,Return()
[macro-dialout]
exten => s,1,Dial(IAX2/pbx2/\${ARG1})
[dir-ctx]
exten => _X.,1,Dial(PJSIP/\${EXTEN})
[after-answer]
exten => s,1,Dial(SIP/gw/0044\${EXTEN})
[macro-noop-macro]
exten => s,1,Return()
[macro-dialout2]
exten => s,1,Dial(IAX2/pbx2/\${ARG1})
`;
  const files = {
    "extensions.conf": WAYS,
    "sip.conf": "[general]\n[gw]\ntype = peer\nhost = 192.0.2.50\n",
    "iax.conf":
      "[general]\n[pbx2]\ntype = peer\nhost = pbx2.example.net\nsecret = Sup3rS3cretIAX\n",
  };
  const { plan, report } = dialplan(files, SIP);

  it("follows GotoIf's both branches, ExecIf, Local channels, DISA, GosubIf, Macro(If), Directory, Dial's G()", () => {
    const byContext = plan.tollFraud.map(
      (p) => `${p.steps.at(-2)?.context ?? "-"}→${p.dial.trunk}`,
    );
    expect(byContext.sort()).toEqual(
      [
        "from-itsp→IAX2/pbx2",
        "from-itsp→IAX2/pbx2",
        "from-itsp→DAHDI/g1 (a PSTN line group)",
        "from-itsp→SIP/gw",
        "from-itsp→SIP/gw",
        "from-itsp→IAX2/pbx2",
        "from-itsp→PJSIP/itsp",
        "from-itsp→SIP/sip.example.net (a host written in the dial string)",
      ].sort(),
    );
    expect(plan.tollFraud.map((p) => p.steps[0]?.via).sort()).toEqual(
      [
        'GotoIf($["${CALLERID(num)}" = "123"]?vip,s,1:regular,s,1)',
        'GotoIf($["${CALLERID(num)}" = "123"]?vip,s,1:regular,s,1)',
        "ExecIf($[1]?Gosub(sub-a,s,1))",
        "Dial(Local/${EXTEN}@via-local/n,30)",
        "DISA(no-password,disa-out)",
        "Macro(dialout,${EXTEN})",
        "Dial(PJSIP/1001,30,G(after-answer^s^1))",
        "MacroIf(${X}?noop-macro,1:dialout2,${EXTEN})",
      ].sort(),
    );
    // Directory's context only dials local phones; GosubIf's subroutines only return.
    expect(statuses(report, "toll-fraud-reachability")).toHaveLength(8);
  });

  it("masks the IAX2 secret of a dial string in evidence and report", () => {
    const regular = plan.tollFraud.find((p) => p.steps.some((s) => s.context === "regular"));
    expect(regular?.dial.at[0]).toMatchObject({
      excerpt: "exten => s,1,Dial(IAX2/bob:<secret not shown>@pbx2/${EXTEN})",
    });
    expect(JSON.stringify(report)).not.toContain("Sup3rS3cretIAX");
    expect(JSON.stringify(plan)).not.toContain("Sup3rS3cretIAX");
  });
});

describe("inbound contexts and generated configuration", () => {
  it("chan_sip guests and the anonymous endpoint land in their contexts", () => {
    const guest = endpoint("(guest calls)", "guest", "default", "chan_sip");
    const anon = endpoint("anonymous", "anonymous", "public");
    const { plan, report } = dialplan(
      {
        "extensions.conf":
          "[default]\ninclude => demo\n[demo]\nexten => _9.,1,Dial(SIP/${EXTEN:1}@203.0.113.9)\n[public]\nexten => s,1,Hangup()\n",
      },
      [guest, anon],
    );
    expect(plan.inbound.map((i) => `${i.context}: ${i.entry}`)).toEqual([
      "default: guest calls (chan_sip)",
      "public: anonymous endpoint anonymous (pjsip)",
    ]);
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["fail", "pass"]);
    expect(
      result(
        report,
        "toll-fraud-reachability",
        "[default] → SIP/203.0.113.9 (a host written in the dial string)",
      ).remediation?.commands?.lines,
    ).toContain("allowguest = no");
    // `default` is an internal context by convention: guests landing there fail the second rule.
    expect(statuses(report, "dialplan-inbound-context-restrictive")).toEqual(["fail", "pass"]);
  });

  it("#exec in the dial plan: what it generates is unknown, so no pass", () => {
    const { plan, report } = dialplan(
      { "extensions.conf": "#exec /usr/bin/gen-dialplan\n[from-itsp]\nexten => s,1,Hangup()\n" },
      SIP,
    );
    expect(plan.dynamicJumps.map((d) => d.context)).toEqual(["(generated)"]);
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["unknown"]);
    expect(statuses(report, "dialplan-inbound-context-restrictive")).toEqual(["unknown"]);
  });

  it("SIP facts unknown: both rules unknown, the contexts are still listed", () => {
    const { plan, report } = dialplan({ "extensions.conf": INCLUDE_CHAIN }, undefined);
    expect(plan.contexts).toContain("sub-dialout");
    expect(statuses(report, "toll-fraud-reachability")).toEqual(["unknown"]);
    expect(statuses(report, "dialplan-inbound-context-restrictive")).toEqual(["unknown"]);
  });

  it("a trunk context including from-internal fails, with the include line to delete", () => {
    const { report } = dialplan(
      {
        "extensions.conf":
          "[from-itsp]\nexten => 5551000,1,Goto(from-internal,1001,1)\ninclude => from-internal\n[from-internal]\nexten => 1001,1,Dial(PJSIP/1001)\n",
      },
      SIP,
    );
    const r = result(report, "dialplan-inbound-context-restrictive");
    expect(r.status).toBe("fail");
    expect(r.message).toContain("[from-itsp] include => from-internal");
    expect(r.remediation?.commands?.lines).toEqual([
      "; pbx.tar!etc/asterisk/extensions.conf, section [from-itsp]",
      "; delete this line (pbx.tar!etc/asterisk/extensions.conf:3): include => from-internal",
      "; then: asterisk -rx 'dialplan reload'",
    ]);
  });
});

describe("bounds", () => {
  it("keeps at most MAX_PATHS paths per inbound context, and ends on cycles", () => {
    const lines = ["[from-itsp]", "include => loop-a"];
    lines.push("[loop-a]", "include => loop-b", "include => from-itsp");
    lines.push("[loop-b]", "include => loop-a");
    for (let i = 0; i < 40; i++) lines.push(`exten => ${i},1,Dial(PJSIP/\${EXTEN}@itsp)`);
    const { plan, report } = dialplan({ "extensions.conf": lines.join("\n") }, SIP);
    expect(plan.tollFraud).toHaveLength(MAX_PATHS);
    expect(plan.tollFraud[0]?.steps.map((s) => s.context)).toEqual([
      "from-itsp",
      "loop-a",
      "loop-b",
    ]);
    expect(statuses(report, "toll-fraud-reachability")).toHaveLength(MAX_PATHS);
  });
});

describe("dial plan text helpers", () => {
  it("splits arguments outside ${…}, $[…], (…) and quotes", () => {
    expect(splitTop('a,${CUT(X,-,1)},$[1,2],f(x,y),"q,r"', ",")).toEqual([
      "a",
      "${CUT(X,-,1)}",
      "$[1,2]",
      "f(x,y)",
      '"q,r"',
    ]);
    expect(parseApp("Dial(PJSIP/a&PJSIP/b,30)")).toEqual({
      app: "Dial",
      args: "PJSIP/a&PJSIP/b,30",
    });
    expect(parseApp("Hangup")).toEqual({ app: "Hangup", args: "" });
  });

  it("masks IAX2/SIP user:secret@ dial strings, but not PJSIP's ${EXTEN:1}@trunk substring syntax", () => {
    expect(maskDialplanSecrets("Dial(IAX2/office:s3cret@hq/100)").text).toBe(
      "Dial(IAX2/office:<secret not shown>@hq/100)",
    );
    expect(maskDialplanSecrets("Dial(PJSIP/${EXTEN:1}@provider,60)").text).toBe(
      "Dial(PJSIP/${EXTEN:1}@provider,60)",
    );
    expect(maskDialplanSecrets("Dial(SIP/${EXTEN:2}@trunk)").text).toBe(
      "Dial(SIP/${EXTEN:2}@trunk)",
    );
  });

  it("masks dial-string secrets and passcodes, not the no-password keyword", () => {
    expect(maskDialplanSecrets("DISA(4321,out)").text).toBe("DISA(<passcode not shown>,out)");
    expect(maskDialplanSecrets("DISA(no-password,out)").text).toBe("DISA(no-password,out)");
    expect(maskDialplanSecrets("Authenticate(9999)").text).toBe(
      "Authenticate(<passcode not shown>)",
    );
  });
});
