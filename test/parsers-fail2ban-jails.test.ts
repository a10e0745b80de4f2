import { describe, expect, it } from "vitest";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";
import { loadJails } from "../src/parsers/fail2ban/jails.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

const fs = memoryFs({
  "jail.conf": lines(
    "[DEFAULT]", // 1
    "ignoreip = 127.0.0.1/8 ::1", // 2
    "bantime = 10m", // 3
    "findtime = 1h 30m", // 4
    "maxretry = 5", // 5
    "backend = auto", // 6
    "banaction = iptables-multiport", // 7
    "protocol = tcp", // 8
    "port = 0:65535", // 9
    "mode = normal", // 10
    "filter = %(__name__)s[mode=%(mode)s]", // 11
    'action_ = %(banaction)s[port="%(port)s", protocol="%(protocol)s"]', // 12
    "action = %(action_)s", // 13
    "enabled = false", // 14
    "[sshd]", // 15
    "port = ssh", // 16
    "logpath = /var/log/auth.log", // 17
    "[asterisk]", // 18
    "port = 5060,5061", // 19
    "action = %(action_)s[name=%(__name__)s-tcp]", // 20
    '         %(banaction)s[name=%(__name__)s-udp, protocol="udp"]', // 21
    "         sendmail-whois", // 22
    "logpath = /var/log/asterisk/messages", // 23
    "          /var/log/asterisk/full tail", // 24
    "maxretry = 3", // 25
    "bantime = -1", // 26
    "bantime.increment = true", // 27
  ),
  "jail.d/local.conf": lines(
    "[sshd]", // 1
    "enabled = yes", // 2
    "mode = aggressive", // 3
    "backend = systemd", // 4
    "ignoreip = 127.0.0.1", // 5
    "           203.0.113.7, 198.51.100.0/24", // 6
    "           8.8.8.8 office.example.com", // 7
    "[asterisk]", // 8
    "enabled = 1", // 9
    "[broken]", // 10
    "enabled = true", // 11
    "filter = a[x=1] junk", // 12
    "maxretry = five", // 13
    "findtime = soon", // 14
    "logpath = /var/log/my app.log", // 15
    "[lazy]", // 16
    "enabled = maybe", // 17
    "logpath = %(nowhere)s", // 18
  ),
});

describe("fail2ban jails", () => {
  const result = loadJails(fs);
  const jail = (name: string) => {
    const j = result.jails.find((x) => x.name === name);
    if (!j) throw new Error(`no jail ${name}`);
    return j;
  };

  it("lists every jail with its headers, in file order", () => {
    expect(result.files).toEqual(["jail.conf", "jail.d/local.conf"]);
    expect(result.jails.map((j) => j.name)).toEqual(["sshd", "asterisk", "broken", "lazy"]);
    expect(jail("sshd").headers).toEqual([
      { file: "jail.conf", line: 15 },
      { file: "jail.d/local.conf", line: 1 },
    ]);
  });

  it("resolves the sshd jail with DEFAULT inheritance and overrides", () => {
    const sshd = jail("sshd");
    expect(sshd.enabled).toMatchObject({ value: true, at: { file: "jail.d/local.conf", line: 2 } });
    expect(sshd.filter?.value).toEqual({
      name: "sshd",
      options: { mode: "aggressive" },
      optionsAt: { mode: { file: "jail.d/local.conf", line: 3 } },
    });
    expect(sshd.filter?.at).toEqual({ file: "jail.conf", line: 11 });
    expect(sshd.backend.value).toBe("systemd");
    expect(sshd.logpathIgnored).toBe(true);
    expect(sshd.logpath).toEqual([
      { path: "/var/log/auth.log", tail: false, at: { file: "jail.conf", line: 17 } },
    ]);
    expect(sshd.port?.value).toBe("ssh");
    expect(sshd.maxretry).toMatchObject({ value: 5, at: { file: "jail.conf", line: 5 } });
    expect(sshd.bantime).toMatchObject({ value: 600, text: "10m" });
    expect(sshd.findtime).toMatchObject({ value: 5400, text: "1h 30m" });
    expect(sshd.actions).toEqual([
      expect.objectContaining({
        name: "iptables-multiport",
        options: { port: "ssh", protocol: "tcp" },
        text: 'iptables-multiport[port="ssh", protocol="tcp"]',
      }),
    ]);
  });

  it("splits ignoreip into classified entries, each at its own line", () => {
    expect(
      jail("sshd").ignoreip.map((e) => [e.entry, e.kind, e.scope, e.public, e.at.line]),
    ).toEqual([
      ["127.0.0.1", "address", "loopback", false, 5],
      ["203.0.113.7", "address", "documentation", false, 6],
      ["198.51.100.0/24", "cidr", "documentation", false, 6],
      ["8.8.8.8", "address", "public", true, 7],
      ["office.example.com", "hostname", undefined, undefined, 7],
    ]);
    expect(jail("asterisk").ignoreip.map((e) => [e.entry, e.kind, e.scope])).toEqual([
      ["127.0.0.1/8", "cidr", "loopback"],
      ["::1", "address", "loopback"],
    ]);
  });

  it("splits multi-line actions and logpaths", () => {
    const a = jail("asterisk");
    expect(a.enabled.value).toBe(true);
    expect(a.actions.map((x) => [x.name, x.options, x.at.line])).toEqual([
      ["iptables-multiport", { port: "5060,5061", protocol: "tcp", name: "asterisk-tcp" }, 7],
      ["iptables-multiport", { name: "asterisk-udp", protocol: "udp" }, 7],
      ["sendmail-whois", {}, 22],
    ]);
    expect(a.logpath).toEqual([
      { path: "/var/log/asterisk/messages", tail: false, at: { file: "jail.conf", line: 23 } },
      { path: "/var/log/asterisk/full", tail: true, at: { file: "jail.conf", line: 24 } },
    ]);
    expect(a.maxretry?.value).toBe(3);
    expect(a.bantime?.value).toBe(-1);
    expect(a.bantimeIncrement?.value).toBe(true);
  });

  it("reports located problems of enabled jails as fail2ban would see them", () => {
    const of = (name: string) =>
      result.diagnostics
        .filter((d) => d.message.startsWith(`[${name}]`))
        .map((d) => [d.severity, d.file, d.line]);
    expect(of("broken")).toEqual([
      ["error", "jail.d/local.conf", 12], // filter syntax
      ["warning", "jail.d/local.conf", 15], // "my app.log": 'app.log' read as head/tail
      ["warning", "jail.d/local.conf", 13], // maxretry not an integer
      ["error", "jail.d/local.conf", 14], // findtime not a time
    ]);
    expect(jail("broken").filter).toBeUndefined();
    expect(jail("broken").logpath[0]?.path).toBe("/var/log/my");
    // "maybe" is not a boolean word: the jail is disabled, its interpolation error only a warning
    expect(jail("lazy").enabled.value).toBe(false);
    expect(of("lazy")).toEqual([
      ["warning", "jail.d/local.conf", 17],
      ["warning", "jail.d/local.conf", 18],
    ]);
  });
});

describe("fail2ban jails with their filters", () => {
  const tree = memoryFs({
    "jail.conf": lines(
      "[DEFAULT]", // 1
      "filter = %(__name__)s[mode=%(mode)s]", // 2
      "mode = normal", // 3
      "action = drop", // 4
      "[demo]", // 5
      "enabled = true", // 6
      "logpath = /var/log/demo.log", // 7
      "failregex = %(known/failregex)s", // 8
      "            ^Extra from <HOST>$", // 9
      "[other]", // 10
      "enabled = true", // 11
      "filter = demo[mode=extra]", // 12
      "logpath = /var/log/demo.log", // 13
      "[gone]", // 14
      "enabled = true", // 15
      "logpath = /var/log/gone.log", // 16
    ),
    "filter.d/demo.conf": lines(
      "[Definition]", // 1
      "failregex = ^Failed from <HOST>$", // 2
      "            <mdre-<mode>>", // 3
      "mdre-normal =", // 4
      "mdre-extra = ^Odd from <HOST>$", // 5
      "ignoreregex = ^ok$", // 6
    ),
  });
  const result = loadJails(tree, { withFilters: true });
  const jail = (name: string) => result.jails.find((j) => j.name === name);

  it("lets a jail extend its filter's failregex through %(known/failregex)s", () => {
    expect(jail("demo")?.filterDefinition?.failregex).toEqual([
      { text: "^Failed from <HOST>$", at: { file: "filter.d/demo.conf", line: 2 } },
      { text: "^Extra from <HOST>$", at: { file: "jail.conf", line: 9 } },
    ]);
    expect(jail("demo")?.filterDefinition?.ignoreregex.map((l) => l.text)).toEqual(["^ok$"]);
  });

  it("passes the jail's filter parameters", () => {
    expect(jail("other")?.filterDefinition?.failregex.map((l) => l.text)).toEqual([
      "^Failed from <HOST>$",
      "^Odd from <HOST>$",
    ]);
  });

  it("locates a missing filter at the jail's filter option", () => {
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "jail.conf",
        line: 2,
        message: expect.stringContaining("[gone] filter 'gone' not found"),
      }),
    ]);
  });
});
