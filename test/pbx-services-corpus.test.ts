/**
 * The AMI, HTTP/ARI and logging rules on real configuration written by others (../shared/corpus,
 * read in place): Asterisk's own samples and Wazo's /etc/asterisk with its fail2ban jails. The
 * findings an expert expects are written down here; no secret of the corpus may reach a report.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { auditTarget } from "../src/audit/audit-target.js";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import type { Facts } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { DiskTree, type FileTree } from "../src/sources/tree.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const settings = settingsFrom({});
const now = new Date("2026-11-21T00:00:00Z");

/** Asterisk's samples as an /etc/asterisk: `X.conf` is read from `X.conf.sample`. */
class SampleTree implements FileTree {
  readonly kind = "directory" as const;
  constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly edit: (file: string, text: string) => string = (_f, t) => t,
  ) {}
  read(path: string): string | undefined {
    const m = /^etc\/asterisk\/([^/]+\.conf)$/.exec(path);
    if (!m) return undefined;
    try {
      return this.edit(m[1] as string, readFileSync(join(this.dir, `${m[1]}.sample`), "utf8"));
    } catch {
      return undefined;
    }
  }
  list(dir: string): string[] {
    if (dir !== "etc/asterisk") return [];
    return readdirSync(this.dir)
      .filter((n) => n.endsWith(".conf.sample"))
      .map((n) => n.replace(/\.sample$/, ""))
      .sort();
  }
  display(path: string): string {
    return join(this.dir, `${path.replace(/^etc\/asterisk\//, "")}.sample`);
  }
}

/** Several folders mounted into one device tree (Wazo's packages install into /etc and /usr/share). */
class Mounts implements FileTree {
  readonly kind = "directory" as const;
  constructor(
    readonly name: string,
    private readonly trees: FileTree[],
  ) {}
  read(path: string): string | undefined {
    for (const t of this.trees) {
      const text = t.read(path);
      if (text !== undefined) return text;
    }
    return undefined;
  }
  list(dir: string): string[] {
    return [...new Set(this.trees.flatMap((t) => t.list(dir)))].sort();
  }
  display(path: string): string {
    const t = this.trees.find((x) => x.read(path) !== undefined || x.list(path).length > 0);
    return (t ?? (this.trees[0] as FileTree)).display(path);
  }
}

/** Values of `key = value` lines in a corpus file, read at test time (never copied here). */
function secretsIn(file: string, key: string): string[] {
  const re = new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, "gm");
  return [...readFileSync(file, "utf8").matchAll(re)].map((m) => m[1] as string);
}

function audit(tree: FileTree): { facts: Facts; report: TargetReport } {
  const facts = extractFacts(tree);
  return { facts, report: runRules(facts, ALL_RULES, settings, now) };
}

describeCorpus("PBX services: Asterisk's sample configuration (master)", () => {
  const dir = corpusPath("asterisk-samples", "master");
  let r: TargetReport;
  let facts: Facts;
  beforeAll(() => {
    ({ facts, report: r } = audit(new SampleTree("samples", dir)));
  });

  it("manager.conf.sample: AMI disabled (bindaddr 0.0.0.0 would be exposed), no user", () => {
    expect(facts.pbx.ami).toMatchObject({
      known: true,
      value: { enabled: false, bindAddress: "0.0.0.0", port: 5038, tls: false, users: [] },
    });
    expect(statuses(r, "ami-not-exposed")).toEqual(["pass"]);
    expect(result(r, "ami-not-exposed").message).toMatch(/disabled/);
    for (const rule of [
      "ami-default-port",
      "ami-user-acl",
      "ami-user-secret",
      "ami-write-privileges",
    ])
      expect(statuses(r, rule), rule).toEqual(["not_applicable"]);
  });

  it("manager.conf.sample switched on as shipped otherwise: AMI on every address fails", () => {
    const on = audit(
      new SampleTree("samples", dir, (f, t) =>
        f === "manager.conf" ? t.replace(/^enabled = no$/m, "enabled = yes") : t,
      ),
    ).report;
    expect(statuses(on, "ami-not-exposed")).toEqual(["fail"]);
    expect(result(on, "ami-not-exposed").evidence).toContainEqual(
      expect.objectContaining({ excerpt: "bindaddr = 0.0.0.0", line: 26 }),
    );
    expect(statuses(on, "ami-default-port")).toEqual(["fail"]);
  });

  it("http.conf.sample: bindaddr 127.0.0.1 but enabled commented out: the server does not run", () => {
    expect(facts.pbx.http).toMatchObject({
      known: true,
      value: { enabled: false, bindAddress: "127.0.0.1" },
    });
    expect(statuses(r, "asterisk-http-exposure")).toEqual(["pass"]);
    expect(statuses(r, "ari-password-plain")).toEqual(["not_applicable"]);
  });

  it("logger.conf.sample: `;security.log => security` is commented out, so security events go nowhere", () => {
    const logging = facts.pbx.logging;
    if (!logging.known) throw new Error(logging.reason);
    expect(logging.value.securityLogFiles).toEqual([]);
    expect(logging.value.channels?.map((c) => `${c.name}:${c.levels.join(",")}`)).toEqual([
      "console:notice,warning,error",
      "messages.log:notice,warning,error",
    ]);
    expect(statuses(r, "asterisk-security-log-for-fail2ban")).toEqual(["fail"]);
    expect(result(r, "asterisk-security-log-for-fail2ban").remediation?.commands?.lines).toContain(
      "security = security",
    );
  });
});

describeCorpus("PBX services: Wazo's /etc/asterisk with its fail2ban jails", () => {
  const repo = corpusPath("wazo", "wazo-asterisk-config");
  const tree = new Mounts("wazo", [
    new DiskTree("wazo", repo, ""),
    new DiskTree("wazo", join(repo, "dialplan"), "usr/share/wazo-asterisk-config/dialplan"),
    new DiskTree("wazo", corpusPath("wazo", "xivo-config", "etc", "fail2ban"), "etc/fail2ban"),
  ]);
  let r: TargetReport;
  let facts: Facts;
  beforeAll(() => {
    ({ facts, report: r } = audit(tree));
  });

  it("AMI is on, bound to 127.0.0.1:5038 without TLS: not exposed, port irrelevant", () => {
    expect(facts.pbx.ami).toMatchObject({
      known: true,
      value: { enabled: true, bindAddress: "127.0.0.1", port: 5038, tls: false },
    });
    expect(statuses(r, "ami-not-exposed")).toEqual(["pass"]);
    expect(statuses(r, "ami-default-port")).toEqual(["not_applicable"]);
  });

  it("the three packaged AMI users: localhost ACLs pass, shipped secrets fail as defaults", () => {
    const users = ["wazo_amid", "xivo_munin_user", "wazo_provd"];
    for (const u of users) {
      const subject = `AMI user ${u}`;
      expect(statuses(r, "ami-user-acl", subject), u).toEqual(["pass"]);
      const s = result(r, "ami-user-secret", subject);
      expect([s.status, s.severity], u).toEqual(["fail", "high"]);
      expect(s.message).toMatch(/known default/);
      expect(s.evidence[0]).toMatchObject({ excerpt: "secret = <secret not shown>" });
      expect(s.remediation?.commands?.lines[0]).toBe(
        `; ${join(repo, "etc/asterisk/manager.d/01-xivo.conf")}, section [${u}]`,
      );
      // write = all / system,command: but only from this host.
      expect(statuses(r, "ami-write-privileges", subject), u).toEqual(["pass"]);
    }
  });

  it("the HTTP server on 127.0.0.1:5039 passes; the ARI user xivo has a plain, shipped password", () => {
    expect(facts.pbx.http).toMatchObject({
      known: true,
      value: { enabled: true, bindAddress: "127.0.0.1", port: 5039, tlsEnabled: false },
    });
    expect(facts.services.find((s) => s.id === "asterisk-http")?.kind).toBe("ari");
    expect(statuses(r, "asterisk-http-exposure")).toEqual(["pass"]);
    expect(statuses(r, "ari-password-plain", "ARI user xivo")).toEqual(["fail"]);
    expect(statuses(r, "ari-user-secret", "ARI user xivo")).toEqual(["fail"]);
  });

  it("the fail2ban channel gets NOTICE only: asterisk-wazo bans failed registrations, not security events (low)", () => {
    const logging = facts.pbx.logging;
    if (!logging.known) throw new Error(logging.reason);
    expect(logging.value.securityLogFiles).toEqual([]);
    const ch = logging.value.channels?.find((c) => c.name === "fail2ban");
    expect(ch).toMatchObject({ path: "/var/log/asterisk/fail2ban", levels: ["notice"] });
    const f = result(r, "asterisk-security-log-for-fail2ban", "fail2ban jail asterisk-wazo");
    expect([f.status, f.severity]).toEqual(["fail", "low"]);
    expect(f.remediation?.commands?.lines).toEqual([
      `; ${join(repo, "etc/asterisk/logger.d/01-wazo.conf")}, section [logfiles]`,
      "fail2ban = notice,security",
      "; then: asterisk -rx 'logger reload'",
    ]);
  });

  it("no AMI or ARI secret of the package appears in the report", () => {
    const secrets = [
      ...secretsIn(join(repo, "etc/asterisk/manager.d/01-xivo.conf"), "secret"),
      ...secretsIn(join(repo, "etc/asterisk/ari.d/01-wazo.conf"), "password"),
    ];
    expect(secrets).toHaveLength(4);
    const json = JSON.stringify(r);
    for (const s of secrets) expect(json).not.toContain(s);
    expect(JSON.stringify(facts)).not.toContain(secrets[0]);
  });
});

describeCorpus("PBX services: auditTarget on the Wazo package folder as it is", () => {
  let r: TargetReport;
  beforeAll(async () => {
    r = await auditTarget(corpusPath("wazo", "wazo-asterisk-config"), settings, undefined, now);
  });

  it("reads it as a PBX root; the dial plan library under /usr/share is missing, which is said", () => {
    expect(r.device).toMatchObject({ class: "pbx", platform: "asterisk" });
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        line: 13,
        message: expect.stringMatching(/dialplan/),
      }),
    );
  });

  it("without the fail2ban jails, security events going nowhere is a medium failure", () => {
    const f = result(r, "asterisk-security-log-for-fail2ban");
    expect([f.status, f.severity]).toEqual(["fail", "medium"]);
    expect(statuses(r, "ami-user-secret")).toEqual(["fail", "fail", "fail"]);
  });
});
