/**
 * SIP and IAX2: the extractor on small Asterisk texts (how each driver's options and defaults
 * become facts), then audits of the real Asterisk samples and of Wazo's /etc/asterisk with the
 * findings an expert expects written down, and the ground rule that no secret of the input
 * reaches a report.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { auditTarget, factsOf } from "../src/audit/audit-target.js";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { AsteriskContext } from "../src/extract/pbx/context.js";
import { extractSip } from "../src/extract/pbx/sip.js";
import { emptyFacts } from "../src/facts/empty.js";
import type { Facts } from "../src/facts/model.js";
import type { SipEndpoint, SipFacts } from "../src/facts/pbx.js";
import { toJson } from "../src/report/json.js";
import { toText } from "../src/report/text.js";
import { ALL_RULES } from "../src/rules/index.js";
import { PBX_SIP_RULES } from "../src/rules/pbx-sip/index.js";
import { DiskTree, type FileTree, MemoryTree } from "../src/sources/tree.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const settings = settingsFrom({});
const now = new Date("2026-11-21T00:00:00Z");
const SIP_RULE_IDS = PBX_SIP_RULES.map((r) => r.meta.id);

function tree(files: Record<string, string>): MemoryTree {
  const t = new MemoryTree("pbx.tar.gz");
  for (const [path, text] of Object.entries(files))
    t.add(`etc/asterisk/${path}`, Buffer.from(text));
  return t;
}

function extract(files: Record<string, string>): Facts {
  const facts = emptyFacts({ name: "pbx", kind: "backup" });
  extractSip(new AsteriskContext(tree(files)), facts);
  return facts;
}

function sipOf(facts: Facts): SipFacts {
  if (!facts.pbx.sip.known) throw new Error(`SIP facts unknown: ${facts.pbx.sip.reason}`);
  return facts.pbx.sip.value;
}

function ep(sip: SipFacts, name: string, driver?: string): SipEndpoint {
  const e = sip.endpoints.find((x) => x.name === name && (!driver || x.driver === driver));
  if (!e) throw new Error(`no endpoint ${name}`);
  return e;
}

/** Every status of the SIP rules, by rule, for a compact written-down expectation. */
function sipStatuses(r: TargetReport): Record<string, string[]> {
  return Object.fromEntries(SIP_RULE_IDS.map((id) => [id, statuses(r, id)]));
}

/** The report as every format prints it, and as the engine holds it before any redaction. */
function everyRendering(r: TargetReport): string {
  return [JSON.stringify(r), toJson([r], "high"), toText([r], { verbose: true })].join("\n");
}

// ---------------------------------------------------------------------------------------------

describe("extractSip: res_pjsip", () => {
  const facts = extract({
    "pjsip.conf": `
[global]
type = global

[transport-udp]
type = transport
protocol = udp
bind = 0.0.0.0

[transport-tls]
type = transport
protocol = tls
bind = 10.0.0.5

[transport-tcp]
type = transport
protocol = tcp
bind = [::]:5080

[transport-nobind]
type = transport
protocol = udp

[transport-flow]
type = transport
protocol = flow

[local]
type = transport
bind = 127.0.0.1:5062

[auth-tmpl](!)
type = auth
auth_type = userpass

[6001]
type = endpoint
context = from-internal
auth = 6001
aors = 6001
media_encryption = sdes
deny = 0.0.0.0/0.0.0.0
permit = 192.168.10.0/255.255.255.0

[6001](auth-tmpl)
username = 6001
password = Zx9-TopSecret-pw-6001

[6001]
type = aor
max_contacts = 1

[6002]
type = endpoint
auth = 6002-auth
acl = office

[6002-auth](auth-tmpl)
username = a7f3c2e9
password_digest = MD5:0123456789abcdef0123456789abcdef

[6003]
type = endpoint
auth = shared
[6004]
type = endpoint
auth = shared
[shared]
type = auth
username = s1
password = Zx9-SharedSecret-77

[anonymous]
type = endpoint
context = public

[itsp]
type = endpoint
context = from-trunk
outbound_auth = itsp-out
identify_by = ip
aors = itsp

[itsp]
type = identify
endpoint = itsp
match = 203.0.113.10

[itsp-out]
type = auth
username = acct
password = Zx9-ProviderSecret

[reg]
type = registration
outbound_auth = itsp-out
server_uri = sip:sip.example.net
endpoint = other-trunk

[other-trunk]
type = endpoint
context = from-trunk2

[nobody]
type = endpoint
context = somewhere
`,
    "acl.conf": `
[office]
deny = 0.0.0.0/0.0.0.0
permit = 10.1.0.0/16
`,
  });
  const sip = sipOf(facts);

  it("lists started transports with their defaults: 5060, 5061 for TLS; no bind, no listener", () => {
    expect(sip.drivers).toEqual(["pjsip"]);
    expect(sip.transports.map((t) => [t.name, t.protocol, t.bindAddress, t.port, t.bind])).toEqual([
      ["transport-udp", "udp", "0.0.0.0", 5060, "any"],
      ["transport-tls", "tls", "10.0.0.5", 5061, "specific"],
      ["transport-tcp", "tcp", "[::]", 5080, "any"],
      ["local", "udp", "127.0.0.1", 5062, "loopback"],
    ]);
    const udp = sip.transports[0];
    expect(udp?.cfg).toMatchObject({ language: "asterisk", section: "transport-udp" });
    expect(udp?.at.map((o) => (o.kind === "config" ? o.excerpt : ""))).toContain("bind = 0.0.0.0");
  });

  it("pushes one service per listener for the generic exposure rules", () => {
    const svc = facts.services.map((s) => [
      s.id,
      s.kind,
      s.admin,
      s.ports.known && s.ports.value,
      s.bind.known && s.bind.value,
      s.tls.known && s.tls.value,
    ]);
    expect(svc).toEqual([
      [
        "sip-pjsip-transport-udp",
        "sip",
        false,
        [{ from: 5060, to: 5060, transport: "udp" }],
        "any",
        false,
      ],
      [
        "sip-pjsip-transport-tls",
        "sip",
        false,
        [{ from: 5061, to: 5061, transport: "tls" }],
        "specific",
        true,
      ],
      [
        "sip-pjsip-transport-tcp",
        "sip",
        false,
        [{ from: 5080, to: 5080, transport: "tcp" }],
        "any",
        false,
      ],
      [
        "sip-pjsip-local",
        "sip",
        false,
        [{ from: 5062, to: 5062, transport: "udp" }],
        "loopback",
        false,
      ],
    ]);
    expect(facts.services[0]?.cfg).toMatchObject({ section: "transport-udp" });
    // The anonymous endpoint makes the service usable without credentials.
    expect(facts.services[0]?.auth.anonymous).toMatchObject({ known: true, value: true });
  });

  it("reads an extension's auth object (templates applied): user name, password quality, ACL, SRTP", () => {
    const e = ep(sip, "6001");
    expect(e).toMatchObject({
      role: "extension",
      context: "from-internal",
      authUsername: "6001",
      usernameIsName: true,
      mediaEncryption: "sdes",
      acl: { permit: ["192.168.10.0/255.255.255.0"], deny: ["0.0.0.0/0.0.0.0"], named: [] },
    });
    expect(e.unauthenticated).toMatchObject({ known: true, value: false });
    const pw = e.password;
    expect(pw.known && pw.value.state).toBe("set");
    expect(pw.known && pw.value.quality?.length).toBe(21);
    const ev = pw.at[0];
    expect(ev).toMatchObject({ kind: "config", excerpt: "password = <secret not shown>" });
    // Where the fix goes: the auth object, cited as such.
    expect(e.at.map((o) => (o.kind === "config" ? o.excerpt : ""))).toContain("[6001] type = auth");
  });

  it("a password_digest is a stored hash: set, quality unknown; a named ACL is resolved from acl.conf", () => {
    const e = ep(sip, "6002");
    expect(e.password).toMatchObject({ known: true, value: { state: "set", hash: "unknown" } });
    expect(e.password.known && e.password.value.quality).toBeUndefined();
    expect(e.usernameIsName).toBe(false);
    expect(e.acl).toEqual({
      permit: ["10.1.0.0/16"],
      deny: ["0.0.0.0/0.0.0.0"],
      named: ["office"],
    });
    expect(JSON.stringify(e)).not.toContain("0123456789abcdef");
  });

  it("an auth object shared by two endpoints is a reused password", () => {
    const q3 = ep(sip, "6003").password;
    const q4 = ep(sip, "6004").password;
    expect(q3.known && q3.value.quality?.reusedWith).toEqual(["pjsip endpoint '6004'"]);
    expect(q4.known && q4.value.quality?.reusedWith).toEqual(["pjsip endpoint '6003'"]);
  });

  it("roles: anonymous, trunks by identify or registration, and endpoints reachable by name without auth", () => {
    expect(ep(sip, "anonymous")).toMatchObject({ role: "anonymous", context: "public" });
    expect(ep(sip, "anonymous").unauthenticated).toMatchObject({ known: true, value: true });
    expect(sip.policy.anonymousEndpoint).toMatchObject({ known: true, value: true });
    // identify_by = ip: only the matched address reaches it.
    expect(ep(sip, "itsp")).toMatchObject({ role: "trunk", context: "from-trunk" });
    expect(ep(sip, "itsp").unauthenticated).toMatchObject({ known: true, value: false });
    // The registration's endpoint= makes it a trunk; no auth and the default identify_by
    // (username,ip) let anyone reach it by putting its name in From.
    expect(ep(sip, "other-trunk").role).toBe("trunk");
    expect(ep(sip, "other-trunk").unauthenticated).toMatchObject({ known: true, value: true });
    const why = ep(sip, "other-trunk").unauthenticated.at.map((o) =>
      o.kind === "config" ? o.excerpt : "",
    );
    expect(why).toContain("[other-trunk]: identify_by not set, defaults to username,ip");
    expect(ep(sip, "nobody")).toMatchObject({ role: "unknown" });
  });

  it("res_pjsip always challenges unknown users (no alwaysauthreject option); no chan_sip guests", () => {
    expect(sip.policy.alwaysAuthReject).toMatchObject({ known: true, value: true });
    expect(sip.policy.alwaysAuthReject.at[0]).toMatchObject({ implied: true });
    expect(sip.policy.allowGuest).toMatchObject({ known: true, value: false });
  });

  it("keeps no secret: not in facts, not in services", () => {
    const all = JSON.stringify(facts);
    for (const s of ["Zx9-TopSecret-pw-6001", "Zx9-SharedSecret-77", "Zx9-ProviderSecret"])
      expect(all).not.toContain(s);
  });

  it("a global type=acl section restricts every endpoint", () => {
    const f = extract({
      "pjsip.conf": `
[acl]
type = acl
deny = 0.0.0.0/0.0.0.0
permit = 10.0.0.0/8

[t]
type = transport
bind = 10.0.0.1

[100]
type = endpoint
auth = 100
[100]
type = auth
username = x9
password = Zx9-abcdefghijkl
`,
    });
    expect(ep(sipOf(f), "100").acl).toEqual({
      permit: ["10.0.0.0/8"],
      deny: ["0.0.0.0/0.0.0.0"],
      named: [],
    });
  });
});

describe("extractSip: chan_sip", () => {
  it("defaults: UDP on 0.0.0.0:5060, allowguest and alwaysauthreject yes, autocreatepeer no", () => {
    const f = extract({ "sip.conf": "[general]\ncontext = public\n" });
    const sip = sipOf(f);
    expect(sip.drivers).toEqual(["chan_sip"]);
    expect(sip.transports.map((t) => [t.name, t.bindAddress, t.port, t.bind])).toEqual([
      ["udp", "0.0.0.0", 5060, "any"],
    ]);
    expect(sip.policy.allowGuest).toMatchObject({ known: true, value: true });
    expect(sip.policy.allowGuest.at[0]).toMatchObject({
      implied: true,
      excerpt: "[general]: allowguest not set, defaults to yes",
    });
    expect(sip.policy.alwaysAuthReject).toMatchObject({ known: true, value: true });
    expect(sip.policy.autoCreatePeer).toMatchObject({ known: true, value: false });
    // The implicit guest: unauthenticated calls land in the general context.
    expect(ep(sip, "(guest calls)")).toMatchObject({ role: "guest", context: "public" });
    expect(sip.policy.anonymousEndpoint).toMatchObject({ known: true, value: false });
  });

  it("listeners: bindport, TCP on the UDP address when enabled, TLS on 5061", () => {
    const f = extract({
      "sip.conf": `[general]
bindaddr = 192.168.1.2
bindport = 5070
tcpenable = yes
tlsenable = yes
allowguest = no
alwaysauthreject = no
autocreatepeer = persist
`,
    });
    const sip = sipOf(f);
    expect(sip.transports.map((t) => [t.name, t.bindAddress, t.port, t.bind])).toEqual([
      ["udp", "192.168.1.2", 5070, "specific"],
      ["tcp", "192.168.1.2", 5070, "specific"],
      ["tls", "192.168.1.2", 5061, "specific"],
    ]);
    expect(sip.policy.allowGuest).toMatchObject({ value: false });
    expect(sip.policy.alwaysAuthReject).toMatchObject({ value: false });
    expect(sip.policy.autoCreatePeer).toMatchObject({ value: true });
    expect(f.services.map((s) => s.id)).toEqual([
      "sip-chan_sip-udp",
      "sip-chan_sip-tcp",
      "sip-chan_sip-tls",
    ]);
    expect(f.services[0]?.auth.anonymous).toMatchObject({ known: true, value: true });
  });

  it("peers: the section name is the auth user; fixed hosts are trunks; insecure=invite by name is open", () => {
    const f = extract({
      "sip.conf": `[general]
allowguest = no
register => acct:Zx9-RegisterSecret@sip.example.net/100

[authentication]
auth = acct:Zx9-RealmSecret@example.net

[phone](!)
type = friend
host = dynamic
context = from-internal

[100](phone)
secret = Zx9-PhoneSecret-100
permit = 10.0.0.0/8

[101](phone)
md5secret = 0123456789abcdef0123456789abcdef

[itsp]
type = peer
host = 203.0.113.10
insecure = port,invite
context = from-trunk

[badtrunk]
type = friend
host = 203.0.113.20
insecure = invite
secret = Zx9-TrunkSecret

[nosecret]
type = friend
host = dynamic

[notype]
host = dynamic
`,
    });
    const sip = sipOf(f);
    expect(
      sip.endpoints.map((e) => [
        e.name,
        e.role,
        e.unauthenticated.known && e.unauthenticated.value,
      ]),
    ).toEqual([
      ["100", "extension", false],
      ["101", "extension", false],
      ["itsp", "trunk", false],
      ["badtrunk", "trunk", true],
      ["nosecret", "extension", true],
    ]);
    expect(ep(sip, "100")).toMatchObject({
      authUsername: "100",
      usernameIsName: true,
      context: "from-internal",
    });
    expect(ep(sip, "100").acl.permit).toEqual(["10.0.0.0/8"]);
    expect(ep(sip, "101").password).toMatchObject({ value: { state: "set", hash: "unknown" } });
    expect(ep(sip, "nosecret").password).toMatchObject({ value: { state: "empty" } });
    const all = JSON.stringify(f);
    for (const s of [
      "Zx9-RegisterSecret",
      "Zx9-RealmSecret",
      "Zx9-PhoneSecret-100",
      "Zx9-TrunkSecret",
      "0123456789abcdef",
    ])
      expect(all).not.toContain(s);
  });

  it("a password equal to the user name counts as guessable, whatever it looks like", () => {
    const f = extract({
      "sip.conf":
        "[general]\n[Xq7-Lp2-Vr9-Kd4]\ntype = friend\nhost = dynamic\nsecret = Xq7-Lp2-Vr9-Kd4\n",
    });
    const pw = ep(sipOf(f), "Xq7-Lp2-Vr9-Kd4").password;
    expect(pw.known && pw.value.quality?.strength).toBe(0);
  });
});

describe("extractSip: chan_iax2", () => {
  it("bindport applies to the bindaddrs after it; users without credentials are guests", () => {
    const f = extract({
      "iax.conf": `[general]
bindport = 4570
bindaddr = 10.0.0.5
bindaddr = 127.0.0.1:4575

[guest]
type = user
context = public

[branch]
type = friend
host = 198.51.100.7
secret = Zx9-Branch-Secret

[keyed]
type = user
inkeys = branchkey
`,
    });
    const sip = sipOf(f);
    expect(sip.transports.map((t) => [t.driver, t.bindAddress, t.port, t.bind])).toEqual([
      ["iax2", "10.0.0.5", 4570, "specific"],
      ["iax2", "127.0.0.1", 4575, "loopback"],
    ]);
    expect(
      sip.endpoints.map((e) => [
        e.name,
        e.role,
        e.unauthenticated.known && e.unauthenticated.value,
      ]),
    ).toEqual([
      ["guest", "guest", true],
      ["branch", "trunk", false],
      ["keyed", "extension", false],
    ]);
    expect(ep(sip, "keyed").password).toMatchObject({ value: { state: "delegated" } });
    expect(f.services.map((s) => [s.kind, s.id])).toEqual([
      ["iax2", "iax2-10.0.0.5"],
      ["iax2", "iax2-127.0.0.1"],
    ]);
  });

  it("without bindaddr it listens on 0.0.0.0:4569", () => {
    const sip = sipOf(extract({ "iax.conf": "[general]\n" }));
    expect(sip.transports.map((t) => [t.bindAddress, t.port, t.bind])).toEqual([
      ["0.0.0.0", 4569, "any"],
    ]);
  });
});

describe("extractSip: what the PBX really runs", () => {
  it("no pjsip.conf, sip.conf nor iax.conf: unknown", () => {
    const f = extract({ "extensions.conf": "[default]\n" });
    expect(f.pbx.sip.known).toBe(false);
    expect(!f.pbx.sip.known && f.pbx.sip.reason).toMatch(/no etc\/asterisk\/pjsip\.conf/);
    expect(f.services).toEqual([]);
  });

  it("modules.conf decides: noload chan_sip, autoload = no without load", () => {
    const f = extract({
      "modules.conf": "[modules]\nautoload = no\nload = res_pjsip.so\nnoload = chan_sip.so\n",
      "sip.conf": "[general]\n",
      "iax.conf": "[general]\n",
      "pjsip.conf": "[t]\ntype = transport\nbind = 10.0.0.1\n",
    });
    const sip = sipOf(f);
    expect(sip.drivers).toEqual(["pjsip"]);
    expect(sip.transports.map((t) => t.driver)).toEqual(["pjsip"]);
    expect(sip.policy.allowGuest).toMatchObject({ known: true, value: false });
    expect(sip.policy.allowGuest.at[0]).toMatchObject({ excerpt: "noload = chan_sip.so" });
    expect(f.services.map((s) => s.id)).toEqual(["sip-pjsip-t"]);
  });

  it("#exec with execincludes = yes: the content is not in the input, so the facts are unknown", () => {
    const f = extract({
      "asterisk.conf": "[options]\nexecincludes = yes\n",
      "pjsip.conf": "#exec /usr/bin/confgen pjsip.conf\n",
    });
    expect(f.pbx.sip.known).toBe(false);
    expect(!f.pbx.sip.known && f.pbx.sip.reason).toMatch(
      /generated at run time by #exec \/usr\/bin\/confgen/,
    );
    expect(f.services.map((s) => [s.id, s.ports.known])).toEqual([["sip-pjsip", false]]);
  });

  it("#exec without execincludes is ignored by Asterisk: the file's own content is what runs", () => {
    const f = extract({
      "asterisk.conf": "[options]\nverbose = 3\n",
      "pjsip.conf": "#exec /usr/bin/confgen\n[t]\ntype = transport\nbind = 10.0.0.1\n",
    });
    expect(sipOf(f).transports.map((t) => t.name)).toEqual(["t"]);
  });

  it("endpoints kept in a realtime database (sorcery.conf): unknown", () => {
    const f = extract({
      "sorcery.conf": "[res_pjsip]\nendpoint = realtime,ps_endpoints\n",
      "pjsip.conf": "[t]\ntype = transport\nbind = 10.0.0.1\n",
    });
    expect(!f.pbx.sip.known && f.pbx.sip.reason).toMatch(
      /realtime database \(endpoint = realtime,ps_endpoints\)/,
    );
  });
});

describe("no secret reaches a report, wherever it was written", () => {
  it("pjsip, chan_sip and IAX2 secrets, digests, register lines and reuse labels", () => {
    const t = tree({
      "pjsip.conf": `
[t]
type = transport
bind = 0.0.0.0
[100]
type = endpoint
auth = 100
[100]
type = auth
username = u100
password = Zq7Leak-pjsip-01
[101]
type = endpoint
auth = 101
[101]
type = auth
username = u101
password_digest = MD5:Zq7Leak0digest0000000000000000002
[102]
type = endpoint
auth = 102
[102]
type = auth
auth_type = md5
username = u102
md5_cred = Zq7Leak0md5cred00000000000000003
[reg]
type = registration
outbound_auth = out
server_uri = sip:acct:Zq7Leak-uri-04@sip.example.net
[out]
type = auth
username = acct
password = Zq7Leak-shared-05
`,
      "sip.conf": `[general]
register => acct:Zq7Leak-shared-05:authuser@sip.example.net/100
register => peer1?tls://acct2:Zq7Leak-register-06@sip.example.net
[authentication]
auth = acct:Zq7Leak-realm-07@example.net
[200]
type = friend
host = dynamic
secret = Zq7Leak-shared-05
remotesecret = Zq7Leak-remote-08
[201]
type = friend
host = dynamic
md5secret = Zq7Leak0md5secret000000000000009
`,
      "iax.conf": `[general]
register => iaxuser:Zq7Leak-iaxreg-10@iax.example.net
[300]
type = friend
host = dynamic
secret = Zq7Leak-iax-11
secret = Zq7Leak-iax-12
`,
    });
    const r = runRules(factsOf(t), ALL_RULES, settings, now);
    const out = everyRendering(r);
    expect([...out.matchAll(/Zq7Leak[-0-9a-z]*/g)].map((m) => m[0])).toEqual([]);
    // The reuse is still reported, by masked label.
    expect(result(r, "sip-password-unique", "chan_sip peer '200'").message).toMatch(
      /also used by .*chan_sip registration acct:<secret not shown>:authuser@sip\.example\.net\/100/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The real Asterisk samples

/** A folder of `*.conf.sample` files seen as /etc/asterisk, each under its installed name. */
class SampleTree implements FileTree {
  readonly kind = "directory" as const;
  private readonly files: string[];

  constructor(
    readonly name: string,
    private readonly dir: string,
  ) {
    this.files = readdirSync(dir);
  }

  private local(path: string): string | undefined {
    const m = /^etc\/asterisk\/([^/]+)$/.exec(path.replace(/^\/+/, ""));
    const base = m?.[1];
    if (!base) return undefined;
    if (this.files.includes(`${base}.sample`)) return join(this.dir, `${base}.sample`);
    return undefined;
  }

  read(path: string): string | undefined {
    const l = this.local(path);
    return l ? readFileSync(l, "utf8") : undefined;
  }

  list(dir: string): string[] {
    if (dir.replace(/^\/+|\/+$/g, "") !== "etc/asterisk") return [];
    return this.files
      .filter((f) => f.endsWith(".sample"))
      .map((f) => f.slice(0, -".sample".length))
      .sort();
  }

  display(path: string): string {
    return this.local(path) ?? path;
  }
}

/** The `password = …` values of a configuration text (to check they never reach a report). */
function passwordsIn(text: string): string[] {
  return [...text.matchAll(/^\s*(?:password|secret)\s*=\s*(\S+)/gim)].map((m) => m[1] as string);
}

describeCorpus("audit of Asterisk's configs/basic-pbx (a complete sample PBX)", () => {
  const dir = corpusPath("asterisk-samples/master-basic-pbx");
  let r: TargetReport;
  let facts: Facts;
  beforeAll(() => {
    const t = new DiskTree("basic-pbx", dir, "etc/asterisk");
    facts = factsOf(t);
    r = runRules(facts, ALL_RULES, settings, now);
  });

  it("reads one UDP transport on 0.0.0.0:5060, 15 desk phones and the Digium Cloud Services trunk", () => {
    const sip = sipOf(facts);
    expect(sip.drivers).toEqual(["pjsip"]);
    expect(sip.transports.map((t) => [t.name, t.protocol, t.bindAddress, t.port, t.bind])).toEqual([
      ["transport-udp-nat", "udp", "0.0.0.0", 5060, "any"],
    ]);
    const exts = sip.endpoints.filter((e) => e.role === "extension");
    expect(exts).toHaveLength(15);
    // Super Awesome Company uses the phones' MAC addresses as auth user names.
    for (const e of exts) {
      expect(e.usernameIsName).toBe(false);
      expect(e.authUsername).toMatch(/^[0-9A-F]{12}$/);
      expect(e.context).toBe("Long-Distance");
    }
    expect(ep(sip, "dcs-endpoint")).toMatchObject({ role: "trunk", context: "DCS-Incoming" });
  });

  it("writes down the expected findings", () => {
    expect(r.device).toMatchObject({ class: "pbx", platform: "asterisk" });
    const st = sipStatuses(r);
    const fifteen = (s: string) => Array(15).fill(s);
    expect(st["sip-auth-username-not-extension"]).toEqual(fifteen("pass"));
    expect(st["sip-password-unique"]).toEqual(fifteen("pass"));
    expect(st["sip-acl-restricted"]).toEqual(fifteen("fail"));
    expect(st["sip-bind-address"]).toEqual(["fail"]);
    expect(st["sip-default-ports"]).toEqual(["fail"]);
    // modules.conf autoloads nothing and loads no chan_iax2; there is no iax.conf either.
    expect(st["iax2-disabled-if-unused"]).toEqual(["pass"]);
    expect(st["sip-always-auth-reject"]).toEqual(["pass"]);
    // UDP only; no endpoint asks for SRTP (15 phones and the trunk).
    expect(st["sip-tls-srtp"]).toEqual(["fail", ...Array(16).fill("fail")]);
  });

  it("fails the two phones whose passwords are published sample credentials (1107, 1111)", () => {
    const failing = r.results.filter(
      (x) => x.rule === "sip-password-strength" && x.status === "fail",
    );
    expect(failing.map((x) => [x.subject, x.severity])).toEqual([
      ["pjsip endpoint '1107'", "critical"],
      ["pjsip endpoint '1111'", "critical"],
    ]);
    expect(failing[0]?.message).toMatch(/published default or sample password/);
    expect(failing[0]?.evidence[0]).toMatchObject({
      line: 94,
      excerpt: "password = <secret not shown>",
    });
    expect(failing[0]?.remediation?.commands?.lines).toEqual([
      `; ${join(dir, "pjsip.conf")}, section [1107]`,
      "password = <new random password, 20+ characters>",
      "; then: asterisk -rx 'pjsip reload'",
    ]);
    expect(statuses(r, "sip-password-strength").filter((s) => s === "pass")).toHaveLength(13);
  });

  it("fails the trunk endpoint: no inbound auth, its identify has no match, so a From of 'dcs-endpoint' gets in", () => {
    expect(statuses(r, "sip-no-anonymous-calls")).toEqual(["pass", "fail"]);
    const f = result(r, "sip-no-anonymous-calls", "pjsip endpoint 'dcs-endpoint'");
    expect(f.message).toMatch(/land in context 'DCS-Incoming'/);
    expect(f.remediation?.commands?.lines).toEqual([
      `; ${join(dir, "pjsip.conf")}, section [dcs-endpoint]`,
      "identify_by = ip",
      `; ${join(dir, "pjsip.conf")}, section [dcs-identify]`,
      "match = <the provider's signalling addresses>",
      "; then: asterisk -rx 'pjsip reload'",
    ]);
  });

  it("cites the bind line and proposes the exact transport edit", () => {
    const f = result(r, "sip-bind-address");
    expect(f.evidence.map((o) => (o.kind === "config" ? `${o.line}:${o.excerpt}` : ""))).toContain(
      "6:bind = 0.0.0.0",
    );
    expect(f.remediation?.commands?.lines.slice(0, 2)).toEqual([
      `; ${join(dir, "pjsip.conf")}, section [transport-udp-nat]`,
      "bind = <the PBX's LAN/VoIP address>:5060",
    ]);
    expect(f.remediation?.commands?.lines[2]).toMatch(/core restart gracefully/);
  });

  it("no password of the sample reaches any report", () => {
    const secrets = passwordsIn(readFileSync(join(dir, "pjsip.conf"), "utf8"));
    expect(secrets).toHaveLength(15);
    const out = everyRendering(r);
    expect(secrets.filter((s) => out.includes(s))).toEqual([]);
  });
});

/**
 * The examples of pjsip.conf.sample, uncommented as an operator would (the 6001/6002/7000 phones
 * with password = user name = extension, the "mytrunk" trunk): every block that starts with
 * `;[name]`, up to the first line that is not `;option=...`. Built in memory from the corpus
 * file, which stays where it is.
 */
function uncommentExamples(sample: string, wanted: (name: string, nth: number) => boolean): string {
  const out: string[] = [];
  const seen = new Map<string, number>();
  let on = false;
  for (const line of sample.split("\n")) {
    const header = /^;\[([^\]]+)\]/.exec(line);
    if (header) {
      const name = header[1] as string;
      const nth = seen.get(name) ?? 0;
      seen.set(name, nth + 1);
      on = wanted(name, nth);
    } else if (!/^;[A-Za-z_]/.test(line)) on = false;
    if (on) out.push(line.slice(1));
  }
  return out.join("\n");
}

describeCorpus("audit of pjsip.conf.sample (master) and its examples", () => {
  const dir = corpusPath("asterisk-samples/master");

  it("as shipped, every line is a comment: no transport, no endpoint, only IAX2's sample [guest]", () => {
    const t = new SampleTree("master-samples", dir);
    const facts = factsOf(t);
    const sip = sipOf(facts);
    expect(sip.drivers).toEqual(["pjsip", "iax2"]);
    expect(sip.transports.map((x) => [x.driver, x.bindAddress, x.port])).toEqual([
      ["iax2", "0.0.0.0", 4569],
    ]);
    expect(sip.endpoints.map((e) => [e.driver, e.name, e.role])).toEqual([
      ["iax2", "guest", "guest"],
    ]);
    const r = runRules(facts, ALL_RULES, settings, now);
    expect(sipStatuses(r)).toEqual({
      "sip-auth-username-not-extension": ["not_applicable"],
      "sip-password-strength": ["not_applicable"],
      "sip-password-unique": ["not_applicable"],
      "sip-acl-restricted": ["not_applicable"],
      "sip-bind-address": ["fail"],
      "sip-default-ports": ["fail"],
      "iax2-disabled-if-unused": ["fail"],
      // The anonymous-endpoint check passes; iax.conf.sample's [guest] takes calls from anyone.
      "sip-no-anonymous-calls": ["pass", "fail"],
      "sip-always-auth-reject": ["pass"],
      "sip-tls-srtp": ["not_applicable"],
    });
    expect(result(r, "iax2-disabled-if-unused").message).toMatch(
      /listens on 0\.0\.0\.0:4569\/udp but defines no authenticated user.*\[guest\]/,
    );
    expect(result(r, "sip-no-anonymous-calls", "IAX2 user/peer 'guest'").message).toMatch(
      /context 'public'/,
    );
  });

  describe("uncommented examples: the 6001/6002/7000 phones and mytrunk", () => {
    let r: TargetReport;
    let facts: Facts;
    let text: string;
    beforeAll(() => {
      const sample = readFileSync(join(dir, "pjsip.conf.sample"), "utf8");
      const names = new Set([
        "transport-udp",
        "transport-tls",
        "mytrunk",
        "mytrunk_auth",
        "6001",
        "6002",
        "7000",
      ]);
      text = uncommentExamples(
        sample,
        (name, nth) => names.has(name) && !(name === "transport-tls" && nth > 0),
      );
      const t = new MemoryTree("pjsip-examples.tar");
      t.add("etc/asterisk/pjsip.conf", Buffer.from(text));
      facts = factsOf(t);
      r = runRules(facts, ALL_RULES, settings, now);
    });

    it("reads what an operator enabling the examples gets", () => {
      const sip = sipOf(facts);
      expect(sip.transports.map((t) => [t.name, t.protocol, t.port, t.bind])).toEqual([
        ["transport-udp", "udp", 5060, "any"],
        ["transport-tls", "tls", 5061, "any"],
      ]);
      expect(sip.endpoints.map((e) => [e.name, e.role, e.authUsername, e.usernameIsName])).toEqual([
        ["mytrunk", "trunk", undefined, false],
        ["7000", "extension", "7000", true],
        ["6001", "extension", "6001", true],
        ["6002", "extension", "6002", true],
      ]);
    });

    it("writes down the expected findings", () => {
      expect(sipStatuses(r)).toEqual({
        // user name = extension number on all three phones (VPX-01)
        "sip-auth-username-not-extension": ["fail", "fail", "fail"],
        // password = extension number: 4 digits, strength 0
        "sip-password-strength": ["fail", "fail", "fail"],
        "sip-password-unique": ["pass", "pass", "pass"],
        "sip-acl-restricted": ["fail", "fail", "fail"],
        "sip-bind-address": ["fail", "fail"],
        "sip-default-ports": ["fail", "fail"],
        "iax2-disabled-if-unused": ["pass"],
        // mytrunk has no inbound auth and the default identify_by includes the From user name
        "sip-no-anonymous-calls": ["pass", "fail"],
        "sip-always-auth-reject": ["pass"],
        // TLS is offered beside UDP (low), and no endpoint asks for SRTP
        "sip-tls-srtp": ["fail", "fail", "fail", "fail", "fail"],
      });
      const weak = result(r, "sip-password-strength", "pjsip endpoint '6001'");
      expect(weak.severity).toBe("critical");
      expect(weak.message).toMatch(/only 4 characters/);
      expect(result(r, "sip-tls-srtp", "SIP transports").severity).toBe("low");
      expect(
        result(r, "sip-auth-username-not-extension", "pjsip endpoint '7000'").remediation?.commands
          ?.lines,
      ).toEqual([
        "; pjsip-examples.tar!etc/asterisk/pjsip.conf, section [7000]",
        "username = <random device user name, not the extension number>",
        "; then: asterisk -rx 'pjsip reload'",
      ]);
    });

    it("no password reaches any report (checked by line: the sample's passwords are also its user names)", () => {
      expect(passwordsIn(text).sort()).toEqual(["1234567890", "6001", "6002", "7000"]);
      const out = everyRendering(r);
      // Every "password = " printed is a masked excerpt or a fix's placeholder.
      const shown = [...out.matchAll(/password = ([^"\n]*)/g)].map((m) => m[1]);
      expect(shown.filter((v) => !v?.startsWith("<"))).toEqual([]);
      expect(out.includes("1234567890")).toBe(false);
    });
  });
});

describeCorpus("audit of sip.conf.sample (Asterisk 20.20.1, chan_sip's defaults)", () => {
  let r: TargetReport;
  let facts: Facts;
  beforeAll(() => {
    facts = factsOf(new SampleTree("asterisk-20.20.1", corpusPath("asterisk-samples/20.20.1")));
    r = runRules(facts, ALL_RULES, settings, now);
  });

  it("reads UDP on 0.0.0.0:5060 (tcpenable = no), no peer (only templates), guests allowed by default", () => {
    const sip = sipOf(facts);
    expect(sip.drivers).toEqual(["pjsip", "chan_sip"]);
    expect(sip.transports.map((t) => [t.driver, t.name, t.bindAddress, t.port])).toEqual([
      ["chan_sip", "udp", "0.0.0.0", 5060],
    ]);
    expect(sip.endpoints.map((e) => [e.name, e.role, e.context])).toEqual([
      ["(guest calls)", "guest", "public"],
    ]);
    expect(sip.policy.allowGuest.at[0]).toMatchObject({ line: 125, implied: true });
    expect(sip.policy.alwaysAuthReject).toMatchObject({ known: true, value: true });
    expect(sip.policy.alwaysAuthReject.at[0]).toMatchObject({
      line: 125,
      excerpt: "[general]: alwaysauthreject not set, defaults to yes",
    });
  });

  it("writes down the expected findings", () => {
    expect(sipStatuses(r)).toEqual({
      "sip-auth-username-not-extension": ["not_applicable"],
      "sip-password-strength": ["not_applicable"],
      "sip-password-unique": ["not_applicable"],
      "sip-acl-restricted": ["not_applicable"],
      "sip-bind-address": ["fail"],
      "sip-default-ports": ["fail"],
      "iax2-disabled-if-unused": ["pass"],
      // pjsip: no anonymous endpoint; chan_sip: allowguest (default yes) fails; autocreatepeer no
      "sip-no-anonymous-calls": ["pass", "fail", "pass"],
      "sip-always-auth-reject": ["pass"],
      "sip-tls-srtp": ["fail"],
    });
    const guest = result(r, "sip-no-anonymous-calls", "chan_sip allowguest");
    expect(guest.message).toMatch(/context 'public'/);
    expect(guest.remediation?.commands?.lines.slice(1, 2)).toEqual(["allowguest = no"]);
    expect(result(r, "sip-bind-address").evidence[0]).toMatchObject({
      line: 191,
      excerpt: "udpbindaddr = 0.0.0.0",
    });
    expect(result(r, "sip-bind-address").remediation?.commands?.lines[1]).toBe(
      "udpbindaddr = <the PBX's LAN/VoIP address>:5060",
    );
  });
});

describeCorpus("audit of Wazo's /etc/asterisk (wazo-asterisk-config)", () => {
  let r: TargetReport;
  beforeAll(async () => {
    r = await auditTarget(corpusPath("wazo/wazo-asterisk-config"), settings, undefined, now);
  });

  it("cannot tell where SIP and IAX2 listen: wazo-confgen writes pjsip.conf, sip.conf and iax.conf at run time", () => {
    expect(r.device).toMatchObject({ class: "pbx", platform: "asterisk" });
    // Every SIP rule is unknown (never a pass), and says why.
    for (const id of SIP_RULE_IDS) expect(statuses(r, id), id).toEqual(["unknown"]);
    const msg = result(r, "sip-bind-address").message;
    expect(msg).toMatch(
      /pjsip\.conf is generated at run time by #exec \/usr\/bin\/wazo-confgen asterisk\/pjsip\.conf --cached/,
    );
    expect(msg).toMatch(
      /iax\.conf is generated at run time by #exec \/usr\/bin\/wazo-confgen asterisk\/iax\.conf/,
    );
    const ev = result(r, "sip-bind-address").evidence.map((o) =>
      o.kind === "config" ? `${o.line}:${o.excerpt}` : "",
    );
    expect(ev).toContain("2:#exec /usr/bin/wazo-confgen asterisk/pjsip.conf --cached");
    expect(ev).toContain("16:execincludes = yes");
  });

  it("still tells the exposure rules that SIP and IAX2 services exist, with unknown ports", () => {
    const facts = factsOf(new DiskTree("wazo", corpusPath("wazo/wazo-asterisk-config"), ""));
    const mine = facts.services.filter((s) => s.kind === "sip" || s.kind === "iax2");
    expect(mine.map((s) => [s.id, s.ports.known, s.bind.known])).toEqual([
      ["sip-pjsip", false, false],
      ["sip-chan_sip", false, false],
      ["iax2", false, false],
    ]);
  });
});
