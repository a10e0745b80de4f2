/**
 * fail2ban configuration to facts.fail2ban and the jail rules, on the real files of the corpus read
 * in place: fail2ban's stock jail.conf (../shared/corpus/fail2ban-config), Wazo's jails laid over it
 * as the xivo-config package installs them (../shared/corpus/wazo/xivo-config/etc/fail2ban), and
 * Issabel's (../shared/corpus/issabel/etc/fail2ban).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import type { Fail2banJail } from "../src/facts/host.js";
import type { Facts } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { MemoryTree } from "../src/sources/tree.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const settings = settingsFrom({});
const now = new Date("2026-11-21T00:00:00Z");

/** A device tree: corpus folders mounted at device paths (later layers win), plus literal files. */
function tree(name: string, mounts: [string, string][], files: Record<string, string> = {}) {
  const t = new MemoryTree(name);
  const add = (dir: string, at: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) add(p, `${at}/${n}`);
      else if (n !== "PROVENANCE.md") t.add(`${at}/${n}`, readFileSync(p));
    }
  };
  for (const [dir, at] of mounts) add(corpusPath(dir), at);
  for (const [p, text] of Object.entries(files)) t.add(p, Buffer.from(text));
  return t;
}

const STOCK: [string, string] = ["fail2ban-config", "etc/fail2ban"];
const WAZO: [string, string] = ["wazo/xivo-config/etc/fail2ban", "etc/fail2ban"];
const ISSABEL: [string, string] = ["issabel/etc/fail2ban", "etc/fail2ban"];

function jails(f: Facts): Fail2banJail[] {
  if (!f.fail2ban.known) throw new Error(f.fail2ban.reason);
  return f.fail2ban.value.jails;
}
const jailNamed = (f: Facts, name: string) => {
  const j = jails(f).find((x) => x.name === name);
  if (!j) throw new Error(`no jail ${name}`);
  return j;
};
const excerpts = (j: Fail2banJail) => j.at.map((o) => ("excerpt" in o ? o.excerpt : ""));

describe("fail2ban extraction", () => {
  it("leaves fail2ban unknown when the input has no etc/fail2ban", () => {
    const t = new MemoryTree("x.tar");
    t.add("etc/ssh/sshd_config", Buffer.from(""));
    expect(extractFacts(t).fail2ban.known).toBe(false);
  });

  it("fills fail2ban's built-in values when nothing sets them, cited as implied", () => {
    const t = new MemoryTree("x.tar");
    t.add(
      "etc/fail2ban/jail.local",
      Buffer.from("[sshd]\nenabled = true\nfilter = sshd\nlogpath = /var/log/auth.log\n"),
    );
    const j = jailNamed(extractFacts(t), "sshd");
    expect(j).toMatchObject({
      enabled: true,
      maxretry: 3,
      findtimeSeconds: 600,
      bantimeSeconds: 600,
      bantimeIncrement: false,
      cfg: { language: "fail2ban", file: "x.tar!etc/fail2ban/jail.local", section: "sshd" },
    });
    expect(j.at).toContainEqual({
      kind: "config",
      file: "x.tar!etc/fail2ban/jail.conf",
      excerpt: "maxretry not set: fail2ban's built-in value is 3",
      implied: true,
    });
  });

  it("classifies ignoreip entries and keeps their line", () => {
    const t = new MemoryTree("x.tar");
    t.add(
      "etc/fail2ban/jail.local",
      Buffer.from(
        "[DEFAULT]\nignoreip = 127.0.0.1/8 ::1 10.0.0.0/8 203.0.113.9 pbx-admin.example.org\n[sshd]\nenabled = true\n",
      ),
    );
    const j = jailNamed(extractFacts(t), "sshd");
    expect(j.ignoreip.map((e) => `${e.entry}:${e.kind}:${e.scope}`)).toEqual([
      "127.0.0.1/8:cidr:loopback",
      "::1:address:loopback",
      "10.0.0.0/8:cidr:private",
      "203.0.113.9:address:documentation",
      "pbx-admin.example.org:hostname:hostname",
    ]);
    expect(j.at).toContainEqual(
      expect.objectContaining({
        line: 2,
        excerpt: "ignoreip = 127.0.0.1/8 ::1 10.0.0.0/8 203.0.113.9 pbx-admin.example.org",
      }),
    );
  });
});

describeCorpus("fail2ban: stock jail.conf alone", () => {
  let facts: Facts;
  let r: TargetReport;
  beforeAll(() => {
    facts = extractFacts(tree("stock.tar", [STOCK]));
    r = runRules(facts, ALL_RULES, settings, now);
  });

  it("reads jail.conf with its paths-*.conf includes and enables no jail (enabled = false in [DEFAULT])", () => {
    expect(facts.diagnostics).toEqual([]);
    expect(facts.sources.map((s) => s.path)).toEqual([
      "stock.tar!etc/fail2ban/paths-common.conf",
      "stock.tar!etc/fail2ban/paths-debian.conf",
      "stock.tar!etc/fail2ban/jail.conf",
    ]);
    expect(jails(facts).filter((j) => j.enabled)).toEqual([]);
    expect(jails(facts).length).toBeGreaterThan(50);
    // the [asterisk] jail as jail.conf defines it (lines 757-763), [DEFAULT] values under it
    const asterisk = jailNamed(facts, "asterisk");
    expect(asterisk).toMatchObject({
      enabled: false,
      filter: "asterisk",
      logpaths: ["/var/log/asterisk/messages"],
      port: "5060,5061",
      maxretry: 10,
      findtimeSeconds: 600,
      bantimeSeconds: 600,
    });
    expect(excerpts(asterisk)).toEqual(
      expect.arrayContaining(["[asterisk]", "enabled = false", "maxretry = 10", "findtime = 10m"]),
    );
  });

  it("fails the SIP, SSH and web-login jail rules, each with a jail.local fix", () => {
    expect(statuses(r, "fail2ban-jail-sip")).toEqual(["fail"]);
    expect(statuses(r, "fail2ban-jail-ssh")).toEqual(["fail"]);
    expect(statuses(r, "fail2ban-jail-web-login")).toEqual(["fail"]);
    const sip = result(r, "fail2ban-jail-sip");
    expect(sip.message).toBe(
      "no enabled fail2ban jail watches Asterisk for failed SIP registrations ('asterisk', 'freeswitch' defined but not enabled)",
    );
    expect(sip.remediation?.commands).toEqual({
      language: "fail2ban",
      lines: [
        "# /etc/fail2ban/jail.local (read after jail.conf and jail.d/*.conf; merge into a section that is already there)",
        "# fail2ban's jail.conf defines [asterisk]: filter asterisk, ports 5060,5061, bans over TCP and UDP",
        "# Asterisk logs failed registrations as NOTICE to messages (logger.conf: messages => notice,warning,error)",
        "[asterisk]",
        "enabled = true",
        "logpath = /var/log/asterisk/messages",
        "# then: fail2ban-client reload && fail2ban-client status asterisk",
      ],
    });
    expect(result(r, "fail2ban-jail-ssh").remediation?.commands?.lines).toContain("[sshd]");
  });

  it("has nothing to tune or whitelist, and cannot tell Wazo's provisioning jail apart", () => {
    expect(statuses(r, "fail2ban-jail-tuning")).toEqual(["not_applicable"]);
    expect(statuses(r, "fail2ban-ignoreip-public")).toEqual(["not_applicable"]);
    expect(statuses(r, "fail2ban-jail-provisioning")).toEqual(["unknown"]);
  });
});

describeCorpus("fail2ban: Wazo's jails over the stock files", () => {
  let facts: Facts;
  let r: TargetReport;
  beforeAll(() => {
    facts = extractFacts(tree("wazo.tar", [STOCK, WAZO]));
    r = runRules(facts, ALL_RULES, settings, now);
  });

  it("reads jail.d/wazo.conf and paths-debian.local after the stock files", () => {
    expect(facts.diagnostics).toEqual([]);
    expect(facts.sources.map((s) => s.path)).toEqual([
      "wazo.tar!etc/fail2ban/paths-common.conf",
      "wazo.tar!etc/fail2ban/paths-debian.conf",
      "wazo.tar!etc/fail2ban/paths-debian.local",
      "wazo.tar!etc/fail2ban/jail.conf",
      "wazo.tar!etc/fail2ban/jail.d/wazo.conf",
    ]);
    expect(
      jails(facts)
        .filter((j) => j.enabled)
        .map((j) => j.name),
    ).toEqual(["asterisk-wazo", "wazo-provd"]);
    expect(jailNamed(facts, "asterisk-wazo")).toMatchObject({
      filter: "asterisk-wazo",
      logpaths: ["/var/log/asterisk/fail2ban"],
      maxretry: 15,
      findtimeSeconds: 600, // jail.conf [DEFAULT] findtime = 10m
      bantimeSeconds: 3600,
      actions: ["iptables"],
    });
    expect(jailNamed(facts, "wazo-provd")).toMatchObject({
      maxretry: 10,
      findtimeSeconds: 60,
      bantimeSeconds: 600,
      actions: ["iptables-allports"],
    });
  });

  it("passes the SIP and provisioning jail rules, citing jail.d/wazo.conf", () => {
    expect(statuses(r, "fail2ban-jail-sip")).toEqual(["pass"]);
    expect(result(r, "fail2ban-jail-sip").evidence).toContainEqual({
      kind: "config",
      file: "wazo.tar!etc/fail2ban/jail.d/wazo.conf",
      line: 3,
      excerpt: "enabled = true",
    });
    expect(statuses(r, "fail2ban-jail-provisioning")).toEqual(["pass"]);
  });

  it("fails the sshd jail: xivo-config does not enable it (Debian's defaults-debian.conf does)", () => {
    expect(statuses(r, "fail2ban-jail-ssh")).toEqual(["fail"]);
    // Debian's fail2ban package ships jail.d/defaults-debian.conf with `[sshd] enabled = true`
    const debian = extractFacts(
      tree("wazo-debian.tar", [STOCK, WAZO], {
        "etc/fail2ban/jail.d/defaults-debian.conf": "[sshd]\nenabled = true\n",
      }),
    );
    const rd = runRules(debian, ALL_RULES, settings, now);
    expect(statuses(rd, "fail2ban-jail-ssh")).toEqual(["pass"]);
  });

  it("tuning, as decided: asterisk-wazo's maxretry 15 and wazo-provd's 60 s window and 10-minute ban are too lenient", () => {
    expect(statuses(r, "fail2ban-jail-tuning", "jail asterisk-wazo")).toEqual(["fail"]);
    expect(result(r, "fail2ban-jail-tuning", "jail asterisk-wazo").message).toBe(
      "jail 'asterisk-wazo' is too lenient: maxretry 15 > 10",
    );
    expect(result(r, "fail2ban-jail-tuning", "jail asterisk-wazo").severity).toBe("low");
    expect(result(r, "fail2ban-jail-tuning", "jail wazo-provd").message).toBe(
      "jail 'wazo-provd' is too lenient: findtime 1m < 10m; bantime 10m < 1h without bantime.increment or a recidive jail",
    );
    expect(
      result(r, "fail2ban-jail-tuning", "jail wazo-provd").remediation?.commands?.lines,
    ).toEqual([
      "# /etc/fail2ban/jail.local (read after jail.conf and jail.d/*.conf; merge into a section that is already there)",
      "[wazo-provd]",
      "findtime = 10m",
      "bantime  = 1h",
      "# then: fail2ban-client reload && fail2ban-client status wazo-provd",
    ]);
    expect(statuses(r, "fail2ban-ignoreip-public")).toEqual(["pass"]);
  });
});

describeCorpus("fail2ban: Issabel's jails over the stock files", () => {
  let facts: Facts;
  let r: TargetReport;
  beforeAll(() => {
    facts = extractFacts(tree("issabel.tar", [STOCK, ISSABEL]));
    r = runRules(facts, ALL_RULES, settings, now);
  });

  it("takes jails whose filter is missing from filter.d as not running (the corpus copied a few filters only)", () => {
    // enabled = 1 in jail.d/issabel.conf for 15 jails; filter.d holds only the filters the corpus
    // copied (stock: sshd, asterisk, apache-auth...; Issabel: asterisk-ami, issabel-gui), so
    // fail2ban would skip the other 8 — each reported as a warning with its line
    // (in the order fail2ban meets the sections: jail.conf's first, then the new ones)
    expect(
      jails(facts)
        .filter((j) => j.enabled)
        .map((j) => j.name),
    ).toEqual(["sshd", "apache-auth", "asterisk", "asterisk-ami", "issabel-gui"]);
    expect(facts.diagnostics.filter((d) => /not found/.test(d.message))).toHaveLength(10);
    expect(facts.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(excerpts(jailNamed(facts, "postfix"))).toContain(
      "enabled = 1, but filter 'postfix' not found (filter.d/postfix.conf or .local): fail2ban skips this jail",
    );
  });

  it("fails fail2ban-ignoreip-public on the two public addresses, with their lines", () => {
    expect(statuses(r, "fail2ban-ignoreip-public")).toEqual(["fail", "fail"]);
    const asterisk = result(r, "fail2ban-ignoreip-public", "jail asterisk");
    expect(asterisk.message).toBe(
      "ignoreip of jail 'asterisk' exempts internet addresses from bans: 186.134.4.226 (public), 181.21.250.159 (public)",
    );
    expect(asterisk.evidence).toEqual([
      {
        kind: "config",
        file: "issabel.tar!etc/fail2ban/jail.d/issabel.conf",
        line: 5,
        excerpt: "ignoreip = 127.0.0.1 186.134.4.226 181.21.250.159",
      },
    ]);
    expect(asterisk.remediation?.commands?.lines).toEqual([
      "# /etc/fail2ban/jail.local (read after jail.conf and jail.d/*.conf; merge into a section that is already there)",
      "[asterisk]",
      "ignoreip = 127.0.0.1",
      "# then: fail2ban-client reload && fail2ban-client status asterisk",
    ]);
    expect(result(r, "fail2ban-ignoreip-public", "jail asterisk-ami").evidence).toEqual([
      expect.objectContaining({ line: 87 }),
    ]);
  });

  it("passes the SIP, SSH and web-login jails (asterisk, sshd, issabel-gui) and their tuning", () => {
    expect(statuses(r, "fail2ban-jail-sip")).toEqual(["pass"]);
    expect(result(r, "fail2ban-jail-sip").message).toBe(
      "jail 'asterisk' bans addresses after failed SIP logins (filter 'asterisk')",
    );
    expect(statuses(r, "fail2ban-jail-ssh")).toEqual(["pass"]);
    expect(statuses(r, "fail2ban-jail-web-login")).toEqual(["pass"]);
    // maxretry 5, findtime 10m (jail.conf [DEFAULT]), bantime 43200 s = 12h
    expect(statuses(r, "fail2ban-jail-tuning")).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(result(r, "fail2ban-jail-tuning", "jail asterisk").message).toBe(
      "bans after 5 failures within 10m, for 12h",
    );
  });
});
