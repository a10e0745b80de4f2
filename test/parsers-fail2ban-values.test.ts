import { describe, expect, it } from "vitest";
import { classifyIgnoreIp } from "../src/parsers/fail2ban/ignoreip.js";
import { LocStr } from "../src/parsers/fail2ban/locstr.js";
import {
  extractOptions,
  parseBool,
  parseDuration,
  parseInteger,
  splitWithOptions,
  splitWords,
} from "../src/parsers/fail2ban/options.js";

const ls = (text: string) => LocStr.of(text, { file: "t", line: 1 });

describe("fail2ban value grammars", () => {
  it("parses durations like MyTime.str2seconds", () => {
    const cases: [string, number | undefined][] = [
      ["600", 600],
      ["10m", 600],
      ["1h", 3600],
      ["1d", 86400],
      ["1w", 604800],
      ["48h", 172800],
      ["1h 30m", 5400],
      ["1h30m", 5400],
      ["1hour+30min", 5400],
      ["0d 1h 30m", 5400],
      ["2 days", 172800],
      ["30s", 30],
      ["1mo", 2629800],
      ["1y", 31557600],
      ["1year-6mo", 15778800],
      ["-1", -1],
      ["3600*24", 86400],
      ["", undefined],
      ["soon", undefined],
      ["0600", undefined],
      // Python evaluates "10 *60 *60" here: units need not follow a number directly
      ["10 m m", 36000],
      ["10 minutes please", undefined],
    ];
    for (const [text, seconds] of cases)
      expect([text, parseDuration(text)]).toEqual([text, seconds]);
  });

  it("parses booleans and integers like fail2ban", () => {
    expect(["1", "on", "TRUE", "yes"].map(parseBool)).toEqual([true, true, true, true]);
    expect(["0", "false", "y", "enabled", " true"].map(parseBool)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["5", " 5 ", "+5", "1_000", "5.0", "0x10", ""].map(parseInteger)).toEqual([
      5,
      5,
      5,
      1000,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("extracts name[options] with quoted values and several option groups", () => {
    const r = extractOptions(
      ls(
        'nftables[port="80,443", protocol=tcp, chain=\'<known/chain>\'][name=web, protocol="udp"]',
      ),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.name.text).toBe("nftables");
    expect(Object.fromEntries([...r.options].map(([k, v]) => [k, v.text]))).toEqual({
      port: "80,443",
      protocol: "udp",
      chain: "<known/chain>",
      name: "web",
    });
    expect(extractOptions(ls("sshd")).ok).toBe(true);
    expect(extractOptions(ls("[mode=x]"))).toMatchObject({ ok: false });
    expect(extractOptions(ls('a[p="x" y]'))).toMatchObject({
      ok: false,
      message: expect.stringContaining("after option 'p'"),
    });
    expect(extractOptions(ls("a[=x]"))).toMatchObject({
      ok: false,
      message: expect.stringContaining("expected option"),
    });
  });

  it("splits actions like helpers.splitWithOptions", () => {
    const split = (s: string) => splitWithOptions(ls(s)).map((p) => p.text.trim());
    expect(split('iptables[name=a, port="1,2"]\nsendmail-whois[dest=root]')).toEqual([
      'iptables[name=a, port="1,2"]',
      "sendmail-whois[dest=root]",
    ]);
    // an option group may span lines
    expect(split("a[x=1,\n  y=2] b")).toEqual(["a[x=1,\n  y=2]", "b"]);
    expect(split("a [x=1][y=2]  c")).toEqual(["a [x=1][y=2]", "c"]);
    expect(split("a[x=1]b c")).toEqual(["a[x=1]b", "c"]);
    expect(split("  ")).toEqual([]);
  });

  it("splits an unclosed option group in linear time (the Python regex backtracks exponentially)", () => {
    const t = Date.now();
    const parts = splitWithOptions(ls(`a[${"b=c ".repeat(1000)}`));
    expect(Date.now() - t).toBeLessThan(2000);
    expect(parts.length).toBeGreaterThan(1);
  });

  it("splits word lists on blanks and commas, keeping each word's line", () => {
    const v = LocStr.concat([
      ls("127.0.0.1, ::1\n"),
      LocStr.of("10.0.0.0/8", { file: "t", line: 2 }),
    ]);
    expect(splitWords(v).map((w) => [w.text, w.originAt(0).line])).toEqual([
      ["127.0.0.1", 1],
      ["::1", 1],
      ["10.0.0.0/8", 2],
    ]);
  });
});

describe("ignoreip classification", () => {
  it("classifies addresses, networks and names", () => {
    const table: [string, string, string | undefined, boolean | undefined][] = [
      ["127.0.0.1", "address", "loopback", false],
      ["127.0.0.1/8", "cidr", "loopback", false],
      ["::1", "address", "loopback", false],
      ["10.1.2.3", "address", "private", false],
      ["172.16.0.0/12", "cidr", "private", false],
      ["192.168.1.0/255.255.255.0", "cidr", "private", false],
      ["100.64.1.1", "address", "shared", false],
      ["169.254.0.1", "address", "link-local", false],
      ["fe80::1", "address", "link-local", false],
      ["fd00::/8", "cidr", "private", false],
      ["::ffff:192.168.0.1", "address", "private", false],
      ["::ffff:8.8.8.8", "address", "public", true],
      ["2001:db8::1", "address", "documentation", false],
      ["2a00:1450::1", "address", "public", true],
      ["186.134.4.226", "address", "public", true],
      ["8.8.8.0/24", "cidr", "public", true],
      // a network that holds public addresses whitelists them
      ["0.0.0.0/0", "cidr", "public", true],
      ["192.0.0.0/8", "cidr", "public", true],
      ["::/0", "cidr", "public", true],
      ["224.0.0.1", "address", "multicast", false],
      ["0.0.0.0", "address", "unspecified", false],
      ["localhost", "hostname", undefined, undefined],
      ["vpn.example.org", "hostname", undefined, undefined],
      ["1.2.3.4/33", "invalid", undefined, undefined],
      ["300.1.1.1", "invalid", undefined, undefined],
      ["1.2.3", "invalid", undefined, undefined],
      ["::1::2", "invalid", undefined, undefined],
    ];
    for (const [entry, kind, scope, isPublic] of table) {
      const c = classifyIgnoreIp(entry);
      expect([entry, c.kind, c.scope, c.public]).toEqual([entry, kind, scope, isPublic]);
    }
    expect(classifyIgnoreIp("10.0.0.0/255.0.0.0").prefixLength).toBe(8);
  });
});
