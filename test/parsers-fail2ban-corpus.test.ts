import { readFileSync } from "node:fs";
import { basename, relative } from "node:path";
import { expect, it } from "vitest";
import { readConfig } from "../src/parsers/fail2ban/config.js";
import { loadFilterDefinition, readFilter } from "../src/parsers/fail2ban/filter.js";
import { diskFs, overlayFs } from "../src/parsers/fail2ban/fs.js";
import { parseIni } from "../src/parsers/fail2ban/ini.js";
import { loadJails } from "../src/parsers/fail2ban/jails.js";
import { loadServerSettings } from "../src/parsers/fail2ban/settings.js";
import type { Fail2banDiagnostic } from "../src/parsers/fail2ban/types.js";
import { corpusFiles, corpusPath, describeCorpus } from "./support/corpus.js";

const STOCK = "fail2ban-config";
const WAZO = "wazo/xivo-config/etc/fail2ban";
const ISSABEL = "issabel/etc/fail2ban";
const errors = (d: Fail2banDiagnostic[]) => d.filter((x) => x.severity === "error");
const counts = (d: Fail2banDiagnostic[]) => ({
  error: d.filter((x) => x.severity === "error").length,
  warning: d.filter((x) => x.severity === "warning").length,
  info: d.filter((x) => x.severity === "info").length,
});
/** Files only ever included by filters (`before = common.conf`), not filters themselves. */
const INCLUDE_ONLY = [
  "common.conf",
  "apache-common.conf",
  "nginx-error-common.conf",
  "selinux-common.conf",
];

describeCorpus("fail2ban configuration files", () => {
  it("parses every jail, paths, filter and action file without a diagnostic", () => {
    const sets: [string, (p: string) => boolean, number][] = [
      [STOCK, (p) => p.endsWith(".conf"), 19],
      [WAZO, () => true, 4],
      [ISSABEL, () => true, 4],
      ["openwrt-defaults/openwrt-packages/etc/fail2ban", () => true, 2],
    ];
    for (const [dir, filter, expected] of sets) {
      const files = corpusFiles(dir, filter);
      expect([dir, files.length]).toEqual([dir, expected]);
      for (const file of files) {
        const ini = parseIni(readFileSync(file, "utf8"), relative(corpusPath(dir), file));
        expect([file, ini.diagnostics]).toEqual([file, []]);
      }
    }
  });

  it("resolves every stock filter without an error, each regex located in its own file", () => {
    const expected: Record<string, number> = {
      "apache-auth": 11,
      asterisk: 8,
      dropbear: 4,
      freeswitch: 2,
      "lighttpd-auth": 1,
      monit: 1,
      "nginx-http-auth": 2,
      "nginx-limit-req": 1,
      "pam-generic": 1,
      recidive: 1,
      "selinux-ssh": 1,
      sshd: 22,
    };
    const seen: Record<string, number> = {};
    for (const file of corpusFiles(`${STOCK}/filter.d`)) {
      const name = basename(file, ".conf");
      if (INCLUDE_ONLY.includes(basename(file))) {
        // read as what they are: included files, with no problem of their own
        expect([
          name,
          readConfig(diskFs(corpusPath(STOCK)), `filter.d/${name}`).diagnostics,
        ]).toEqual([name, []]);
        continue;
      }
      const def = loadFilterDefinition(file);
      expect([name, def.diagnostics]).toEqual([name, []]);
      seen[name] = def.failregex.length;
      for (const line of def.failregex) {
        expect(def.files).toContain(line.at.file);
        expect(line.at.line).toBeGreaterThan(0);
        expect(line.text).not.toMatch(/%\(|<(?:known\/|lt_|mdre-|__)/);
      }
    }
    expect(seen).toEqual(expected);
  });

  it("resolves sshd's modes and its journal variant as fail2ban does", () => {
    const fs = diskFs(corpusPath(STOCK));
    const normal = readFilter(fs, "sshd", { params: { mode: "normal" } });
    const aggressive = readFilter(fs, "sshd", {
      params: { mode: "aggressive" },
      backend: "systemd",
    });
    expect(errors(normal.diagnostics)).toEqual([]);
    expect(errors(aggressive.diagnostics)).toEqual([]);
    expect(normal.failregex).toHaveLength(22);
    expect(aggressive.failregex).toHaveLength(33);
    expect(normal.failregex[0]).toEqual({
      text: "^[aA]uthentication (?:failure|error|failed) for <F-USER>.*?</F-USER> (?:from )?<HOST>( via \\S+)?(?: (?:port \\d+|on \\S+|\\[preauth\\])){0,3}\\s*$",
      at: { file: "filter.d/sshd.conf", line: 41 },
    });
    expect(normal.prefregex?.value).toMatch(/^\^<F-MLFID>\(\?:\\\[\\\]\)\?\\s\*/);
    expect(aggressive.prefregex?.value).toBe(
      "^<F-MLFID>\\s*(?:\\S+\\s+)?(?:sshd(?:-session)?(?:\\[\\d+\\])?:?\\s+)?(?:kernel:\\s?\\[ *\\d+\\.\\d+\\]:?\\s+)?</F-MLFID>(?:(?:error|fatal): (?:PAM: )?)?<F-CONTENT>.+</F-CONTENT>$",
    );
    expect(normal.datepattern?.value).toBe("{^LN-BEG}");
    expect(normal.maxlines?.value).toBe(1);
    expect(normal.journalmatch.map((l) => l.text)).toEqual([
      "_SYSTEMD_UNIT=sshd.service + _COMM=sshd + _COMM=sshd-session",
    ]);
    expect(normal.ignoreregex).toEqual([]);
  });

  it("resolves fail2ban's jail.conf (with paths-debian.conf) to the expected sshd and asterisk jails", () => {
    const r = loadJails(corpusPath(STOCK));
    expect(r.files).toEqual(["paths-common.conf", "paths-debian.conf", "jail.conf"]);
    expect(r.diagnostics).toEqual([]);
    expect(r.jails).toHaveLength(99);
    expect(r.jails.filter((j) => j.enabled.value)).toEqual([]);

    const sshd = r.jails.find((j) => j.name === "sshd");
    expect(sshd?.headers).toEqual([{ file: "jail.conf", line: 271 }]);
    expect(sshd?.enabled).toMatchObject({ value: false, at: { file: "jail.conf", line: 158 } });
    expect(sshd?.filter).toMatchObject({
      value: { name: "sshd", options: { mode: "normal" } },
      at: { file: "jail.conf", line: 167 },
    });
    expect(sshd?.port).toMatchObject({ value: "ssh", at: { file: "jail.conf", line: 277 } });
    expect(sshd?.logpath).toEqual([
      { path: "/var/log/auth.log", tail: false, at: { file: "paths-common.conf", line: 21 } },
    ]);
    expect(sshd?.options.get("logpath")?.sources).toEqual([
      { file: "jail.conf", line: 278 },
      { file: "paths-common.conf", line: 21 },
    ]);
    expect(sshd?.backend).toMatchObject({ value: "systemd", at: { file: "jail.conf", line: 279 } });
    expect(sshd?.backend.sources).toContainEqual({ file: "paths-debian.conf", line: 15 });
    expect(sshd?.logpathIgnored).toBe(true);
    expect(sshd?.maxretry).toMatchObject({ value: 5, at: { file: "jail.conf", line: 110 } });
    expect(sshd?.findtime).toMatchObject({
      value: 600,
      text: "10m",
      at: { file: "jail.conf", line: 107 },
    });
    expect(sshd?.bantime).toMatchObject({
      value: 600,
      text: "10m",
      at: { file: "jail.conf", line: 103 },
    });
    expect(sshd?.bantimeIncrement).toBeUndefined();
    expect(sshd?.ignoreip).toEqual([]);
    expect(sshd?.actions.map((a) => [a.name, a.options])).toEqual([
      ["nftables", { port: "ssh", protocol: "tcp", chain: "<known/chain>" }],
    ]);

    const asterisk = r.jails.find((j) => j.name === "asterisk");
    expect(asterisk?.headers).toEqual([{ file: "jail.conf", line: 757 }]);
    expect(asterisk?.filter?.value).toMatchObject({
      name: "asterisk",
      options: { mode: "normal" },
    });
    expect(asterisk?.port).toMatchObject({
      value: "5060,5061",
      at: { file: "jail.conf", line: 759 },
    });
    expect(asterisk?.logpath).toEqual([
      { path: "/var/log/asterisk/messages", tail: false, at: { file: "jail.conf", line: 762 } },
    ]);
    expect(asterisk?.backend.value).toBe("auto");
    expect(asterisk?.logpathIgnored).toBe(false);
    expect(asterisk?.maxretry).toMatchObject({ value: 10, at: { file: "jail.conf", line: 763 } });
    expect(asterisk?.findtime?.value).toBe(600);
    expect(asterisk?.bantime?.value).toBe(600);
    expect(asterisk?.actions.map((a) => [a.name, a.options, a.optionsAt.protocol?.line])).toEqual([
      [
        "nftables",
        { port: "5060,5061", protocol: "tcp", chain: "<known/chain>", name: "asterisk-tcp" },
        760,
      ],
      [
        "nftables",
        { port: "5060,5061", protocol: "udp", chain: "<known/chain>", name: "asterisk-udp" },
        761,
      ],
    ]);

    const mysql = r.jails.find((j) => j.name === "mysqld-auth");
    expect(mysql?.logpath.map((l) => l.path)).toEqual([
      "/var/log/mariadb/mariadb.log",
      "/var/log/mariadb/error.log",
      "/var/log/mysql/mysqld.log",
      "/var/log/mysql/error.log",
      "/var/log/mysqld.log",
    ]);
    expect(r.jails.find((j) => j.name === "recidive")).toMatchObject({
      bantime: { value: 604800 },
      findtime: { value: 86400 },
      actions: [{ name: "nftables", options: { type: "allports" } }],
    });
  });

  it("finds Wazo's asterisk and provd jails with their logpaths", () => {
    const alone = loadJails(corpusPath(WAZO), { withFilters: true });
    expect(alone.files).toEqual(["jail.d/wazo.conf"]);
    expect(alone.diagnostics).toEqual([]);
    expect(
      alone.jails.map((j) => [
        j.name,
        j.enabled.value,
        j.filter?.value.name,
        j.logpath,
        j.maxretry?.value,
        j.bantime?.value,
        j.actions.map((a) => [a.name, a.options]),
        j.filterDefinition?.failregex.length,
      ]),
    ).toEqual([
      [
        "asterisk-wazo",
        true,
        "asterisk-wazo",
        [
          {
            path: "/var/log/asterisk/fail2ban",
            tail: false,
            at: { file: "jail.d/wazo.conf", line: 6 },
          },
        ],
        15,
        3600,
        [["iptables", { name: "ASTERISK", port: "sip", protocol: "udp" }]],
        6,
      ],
      [
        "wazo-provd",
        true,
        "wazo-provd",
        [
          {
            path: "/var/log/wazo-provd-fail2ban.log",
            tail: false,
            at: { file: "jail.d/wazo.conf", line: 15 },
          },
        ],
        10,
        600,
        [["iptables-allports", { name: "wazo-provd", protocol: "all" }]],
        2,
      ],
    ]);

    // installed over the stock files: paths-debian.local is read right after paths-debian.conf
    const installed = loadJails(overlayFs(diskFs(corpusPath(STOCK)), diskFs(corpusPath(WAZO))));
    expect(installed.files).toEqual([
      "paths-common.conf",
      "paths-debian.conf",
      "paths-debian.local",
      "jail.conf",
      "jail.d/wazo.conf",
    ]);
    expect(installed.diagnostics).toEqual([]);
    expect(installed.jails).toHaveLength(101);
    expect(installed.jails.filter((j) => j.enabled.value).map((j) => j.name)).toEqual([
      "asterisk-wazo",
      "wazo-provd",
    ]);
    const sshd = installed.jails.find((j) => j.name === "sshd");
    expect(sshd?.backend.sources).toEqual([
      { file: "jail.conf", line: 279 },
      { file: "paths-debian.local", line: 4 },
    ]);
    // jail.conf's DEFAULT now reaches the Wazo jails
    expect(installed.jails.find((j) => j.name === "wazo-provd")?.findtime?.value).toBe(60);
    expect(installed.jails.find((j) => j.name === "asterisk-wazo")?.findtime).toMatchObject({
      value: 600,
      at: { file: "jail.conf", line: 107 },
    });
  });

  it("finds the public addresses Issabel whitelists", () => {
    const alone = loadJails(corpusPath(ISSABEL));
    expect(alone.files).toEqual(["jail.d/issabel.conf"]);
    // alone, the jails lack jail.conf's filter and action defaults: fail2ban would warn
    expect(counts(alone.diagnostics)).toEqual({ error: 0, warning: 43, info: 0 });
    expect(alone.jails).toHaveLength(15);
    expect(alone.jails.every((j) => j.enabled.value && j.enabled.text === "1")).toBe(true);

    const installed = loadJails(overlayFs(diskFs(corpusPath(STOCK)), diskFs(corpusPath(ISSABEL))));
    expect(installed.diagnostics).toEqual([]);
    for (const r of [alone, installed]) {
      const publicEntries = r.jails.flatMap((j) =>
        j.ignoreip.filter((e) => e.public).map((e) => [j.name, e.entry, e.at.file, e.at.line]),
      );
      expect(publicEntries).toEqual([
        ["asterisk", "186.134.4.226", "jail.d/issabel.conf", 5],
        ["asterisk", "181.21.250.159", "jail.d/issabel.conf", 5],
        ["asterisk-ami", "186.134.4.226", "jail.d/issabel.conf", 87],
        ["asterisk-ami", "181.21.250.159", "jail.d/issabel.conf", 87],
      ]);
    }
    const asterisk = installed.jails.find((j) => j.name === "asterisk");
    expect(asterisk).toMatchObject({
      enabled: { value: true, at: { file: "jail.d/issabel.conf", line: 6 } },
      port: { value: "0:65535", at: { file: "jail.d/issabel.conf", line: 7 } },
      maxretry: { value: 5, at: { file: "jail.d/issabel.conf", line: 3 } },
      bantime: { value: 43200 },
      logpath: [{ path: "/var/log/asterisk/messages" }],
    });
    expect(asterisk?.ignoreip.map((e) => [e.entry, e.scope])).toEqual([
      ["127.0.0.1", "loopback"],
      ["186.134.4.226", "public"],
      ["181.21.250.159", "public"],
    ]);
    expect(asterisk?.actions.map((a) => [a.name, a.options.name, a.options.port])).toEqual([
      ["iptables-multiport-issabel", "asterisk-tcp", "0:65535"],
      ["iptables-multiport-issabel", "asterisk-udp", "0:65535"],
    ]);

    // reading the filters: Issabel's resolve over the stock common.conf; the stock filters of the
    // other enabled jails are not in the corpus, and each missing one is located at its jail
    const checked = loadJails(overlayFs(diskFs(corpusPath(STOCK)), diskFs(corpusPath(ISSABEL))), {
      withFilters: true,
    });
    expect(counts(checked.diagnostics)).toEqual({ error: 10, warning: 0, info: 0 });
    expect(
      errors(checked.diagnostics).map((d) => [d.message.replace(/\].*/, "]"), d.file, d.line]),
    ).toEqual([
      ...[
        "badbots",
        "noscript",
        "overflows",
        "nohome",
        "botsearch",
        "fakegooglebot",
        "modsecurity",
        "shellshock",
      ].map((n) => [`[apache-${n}]`, "jail.conf", 167]),
      ["[postfix]", "jail.conf", 167],
      ["[postfix-sasl]", "jail.conf", 678],
    ]);
    const ami = checked.jails.find((j) => j.name === "asterisk-ami")?.filterDefinition;
    expect(ami?.files).toEqual(["filter.d/common.conf", "filter.d/asterisk-ami.conf"]);
    expect(ami?.failregex.map((l) => l.at)).toEqual([
      { file: "filter.d/asterisk-ami.conf", line: 21 },
    ]);
  });

  it("resolves Issabel's and Wazo's own filters, and says why Issabel's need the stock common.conf", () => {
    for (const file of corpusFiles(`${WAZO}/filter.d`)) {
      expect([file, loadFilterDefinition(file).diagnostics]).toEqual([file, []]);
    }
    const stockAndIssabel = overlayFs(diskFs(corpusPath(STOCK)), diskFs(corpusPath(ISSABEL)));
    for (const file of corpusFiles(`${ISSABEL}/filter.d`)) {
      const name = basename(file, ".conf");
      const installed = readFilter(stockAndIssabel, name);
      expect([name, installed.diagnostics]).toEqual([name, []]);
      expect(installed.failregex).toHaveLength(1);
      expect(installed.failregex[0]?.text).not.toContain("%(");
      const alone = loadFilterDefinition(file);
      expect(alone.diagnostics.map((d) => [d.severity, d.line, d.message.slice(0, 40)])).toEqual([
        ["warning", 8, "included file 'common.conf' not found (f"],
        ["error", name === "asterisk-ami" ? 21 : 18, "[Definition] failregex: %(__prefix_line)"],
        ["info", 1, `filter '${name}' defines no failregex`.slice(0, 40)],
      ]);
    }
  });

  it("reads OpenWrt's fail2ban.d drop-ins", () => {
    const s = loadServerSettings(corpusPath("openwrt-defaults/openwrt-packages/etc/fail2ban"));
    expect(s.files).toEqual(["fail2ban.d/db.conf", "fail2ban.d/uci.conf"]);
    expect(s.config.defaults.get("dbpurgeage")).toMatchObject({
      value: { text: "10d" },
      at: { file: "fail2ban.d/db.conf", line: 2 },
    });
    // uci.conf includes the file OpenWrt's init script writes at run time
    expect(s.diagnostics.map((d) => [d.severity, d.file, d.line])).toEqual([
      ["warning", "fail2ban.d/uci.conf", 2],
      ["warning", "fail2ban.d/db.conf", 1],
    ]);
  });
});
