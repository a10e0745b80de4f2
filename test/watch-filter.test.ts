import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFilter } from "../src/parsers/fail2ban/filter.js";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";
import {
  type CompileOptions,
  compileFilter,
  FilterCompileError,
} from "../src/watch/filter/compile.js";
import type { RawFailure } from "../src/watch/filter/engine.js";
import { resolveHostTag } from "../src/watch/filter/failregex.js";
import { builtinNames, loadFilter } from "../src/watch/filter/load.js";
import { TEST_NOW, TEST_ZONE } from "../src/watch/filter/samples.js";
import { isoInZone, mktime } from "../src/watch/filter/timezone.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;
const NOW = () => TEST_NOW * 1000;

/** A filter from `[Definition]` lines, compiled like fail2ban's test harness runs it. */
function filter(
  definition: string[],
  opts: CompileOptions = {},
  params: Record<string, string> = {},
) {
  const fs = memoryFs({ "filter.d/t.conf": lines("[Definition]", ...definition) });
  return compileFilter(readFilter(fs, "t", { params }), {
    timezone: TEST_ZONE,
    now: NOW,
    checkAllRegex: true,
    ...opts,
  });
}

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  mktime({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, TEST_ZONE) * 1000;

describe("fail2ban tags", () => {
  it("expand exactly as failregex.py does", () => {
    // reference strings printed by Debian's fail2ban 1.0.2 (Regex._resolveHostTag)
    expect(resolveHostTag("<HOST>")).toBe(
      "(?:\\[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\\d{1,3}\\.){3}\\d{1,3})|(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)))\\]?|(?P<dns>[\\w\\-.^_]*\\w))",
    );
    expect(resolveHostTag("<HOST>", "no")).toBe(resolveHostTag("<ADDR>"));
    expect(resolveHostTag("<SUBNET>")).toBe(
      "\\[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\\d{1,3}\\.){3}\\d{1,3})|(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)))(?:/(?P<cidr>\\d+))?\\]?",
    );
    expect(resolveHostTag("<IP4>")).toBe("(?:::f{4,6}:)?(?P<ip4>(?:\\d{1,3}\\.){3}\\d{1,3})");
    expect(resolveHostTag("<DNS>")).toBe("(?P<dns>[\\w\\-.^_]*\\w)");
    expect(resolveHostTag("<CIDR>")).toBe("(?P<cidr>\\d+)");
    expect(resolveHostTag("<F-ID/>")).toBe("(?P<fid>\\S+)");
    expect(resolveHostTag("<F-PORT/>")).toBe("(?P<fport>\\w+)");
    expect(resolveHostTag("a <F-USER>\\S+</F-USER> b")).toBe("a (?P<user>\\S+) b");
    expect(resolveHostTag("<F-ID>\\d+</F-ID>")).toBe("(?P<fid>\\d+)");
    expect(resolveHostTag("<F-ALT_USER1>x</F-ALT_USER1>")).toBe("(?P<alt_user1>x)");
    expect(resolveHostTag("x</F-NOTOPEN>")).toBe("x</F-NOTOPEN>");
    expect(resolveHostTag("<SKIPLINES>")).toBe("\\n(?P<skiplines0>(?:(?:.*\\n)*?))");
    expect(resolveHostTag("<F-NOFAIL><F-MLFFORGET>a</F-MLFFORGET></F-NOFAIL>")).toBe(
      "(?P<nofail>(?P<mlfforget>a))",
    );
  });

  it("captures host, users (alt_ merged), id, port and custom fields", () => {
    const f = filter([
      "failregex = ^login <F-ALT_USER>\\S*</F-ALT_USER>/<F-USER>\\S*</F-USER> from <HOST> port <F-PORT/> <F-SESSION>\\w+</F-SESSION>$",
      "            ^token <F-ID>\\w+</F-ID>$",
    ]);
    const [a] = f.process({ text: "login bob/ from 192.0.2.1 port 22 s1", source: "t" });
    expect(a?.match).toMatchObject({
      host: "192.0.2.1",
      users: ["bob"],
      fields: { session: "s1", fport: "22" },
    });
    const [b] = f.process({ text: "token abc123", source: "t" });
    expect(b?.match).toMatchObject({ host: "abc123", id: "abc123", users: [] });
  });

  it("refuses a failregex without a failure id, naming file and line", () => {
    const fs = memoryFs({ "filter.d/t.conf": lines("[Definition]", "failregex = ^just text$") });
    expect(() => compileFilter(readFilter(fs, "t"))).toThrow(
      /filter\.d\/t\.conf:2: failregex 1: No failure-id group in '\^just text\$'/,
    );
  });
});

describe("prefregex, ignoreregex, multi-line", () => {
  it("prefregex cuts the content that the failregexes see", () => {
    const f = filter([
      "prefregex = ^\\s*\\S+ app\\[\\d+\\]: <F-CONTENT>.+</F-CONTENT>$",
      "failregex = ^bad login from <HOST>$",
    ]);
    expect(
      f.process({ text: "Jan  2 10:00:00 h app[1]: bad login from 192.0.2.9", source: "t" }),
    ).toHaveLength(1);
    expect(
      f.process({ text: "Jan  2 10:00:00 h other[1]: bad login from 192.0.2.9", source: "t" }),
    ).toEqual([]);
  });

  it("an ignoreregex drops the line and says so", () => {
    const f = filter(["failregex = ^fail from <HOST>", "ignoreregex = trusted$"]);
    expect(f.process({ text: "fail from 192.0.2.1 trusted", source: "t" })).toEqual([
      { ignored: true },
    ]);
    expect(f.process({ text: "fail from 192.0.2.1 other", source: "t" })[0]?.match?.host).toBe(
      "192.0.2.1",
    );
  });

  it("maxlines buffers lines; <SKIPLINES> lets a failure span them", () => {
    const f = filter([
      "failregex = ^session (?P<s>\\d+) start<SKIPLINES>session (?P=s) from <HOST> denied$",
      "maxlines = 4",
    ]);
    const out: (string | undefined)[] = [];
    for (const t of [
      "session 7 start",
      "noise",
      "session 8 from 192.0.2.8 denied",
      "session 7 from 192.0.2.7 denied",
    ]) {
      out.push(f.process({ text: t, source: "t" })[0]?.match?.host);
    }
    expect(out).toEqual([undefined, undefined, undefined, "192.0.2.7"]);
  });
});

describe("dates", () => {
  const dated = filter(["failregex = fail from <HOST>"]);
  const at = (text: string) => dated.process({ text, source: "t" })[0]?.match?.time;

  it("syslog dates take the year of now, or the year before when that would be in the future", () => {
    expect(at("Jul 20 14:42:11 h x: fail from 192.0.2.1")).toBe(local(2005, 7, 20, 14, 42, 11));
    expect(at("Nov 11 08:04:51 h x: fail from 192.0.2.1")).toBe(local(2004, 11, 11, 8, 4, 51));
    // one day ahead of "now" is still this year (timezone slack)
    expect(at("Aug 15 11:00:00 h x: fail from 192.0.2.1")).toBe(local(2005, 8, 15, 11, 0, 0));
  });

  it("without a clock of the caller's, 'now' is when the input read the line (receivedAt)", () => {
    const f = compileFilter(
      readFilter(
        memoryFs({ "filter.d/t.conf": lines("[Definition]", "failregex = fail from <HOST>") }),
        "t",
      ),
      { timezone: "UTC" },
    );
    const atReceived = (receivedAt: number) =>
      f.process({ text: "Dec 31 23:59:59 h x: fail from 192.0.2.1", source: "t", receivedAt })[0]
        ?.match?.time;
    // received just after New Year: the line is from the year before
    expect(atReceived(Date.UTC(2020, 0, 1, 0, 0, 30))).toBe(Date.UTC(2019, 11, 31, 23, 59, 59));
    expect(atReceived(Date.UTC(2031, 0, 1, 0, 0, 30))).toBe(Date.UTC(2030, 11, 31, 23, 59, 59));
  });

  it("ISO 8601 with an offset is converted; without, it is local time", () => {
    expect(at("2015-04-16T18:02:50.321974+00:00 h x: fail from 192.0.2.1")).toBe(
      Date.UTC(2015, 3, 16, 18, 2, 50),
    );
    expect(at("2015-04-16 18:02:50 h x: fail from 192.0.2.1")).toBe(local(2015, 4, 16, 18, 2, 50));
  });

  it("Apache, epoch and TAI64N formats", () => {
    expect(at("[Sat Jun 01 02:17:42 2013] fail from 192.0.2.1")).toBe(local(2013, 6, 1, 2, 17, 42));
    expect(at("[31/Oct/2006:09:22:55 -0000] fail from 192.0.2.1")).toBe(
      Date.UTC(2006, 9, 31, 9, 22, 55),
    );
    expect(at("1124013500 fail from 192.0.2.1")).toBe(1124013500 * 1000);
    expect(at("@4000000043002c4b1f2e2bbc fail from 192.0.2.1")).toBe(0x43002c4b * 1000);
  });

  it("datepattern with fail2ban's %Ex directives and {^LN-BEG}", () => {
    const f = filter([
      "failregex = fail from <HOST>",
      "datepattern = {^LN-BEG}%%ExY%%Exm%%Exd %%ExH%%ExM%%ExS",
    ]);
    expect(
      f.process({ text: "20050301 120000 fail from 192.0.2.1", source: "t" })[0]?.match?.time,
    ).toBe(local(2005, 3, 1, 12, 0, 0));
    // not at the line start: no date (and so no time)
    expect(
      f.process({ text: "x 20050301 120000 fail from 192.0.2.1", source: "t" })[0]?.match?.time,
    ).toBeUndefined();
  });

  it("--timezone: an IANA zone with summer time, or fail2ban's fixed offsets", () => {
    const ny = filter(["failregex = fail from <HOST>"], { timezone: "America/New_York" });
    expect(
      ny.process({ text: "Jul 20 14:42:11 fail from 192.0.2.1", source: "t" })[0]?.match?.time,
    ).toBe(Date.UTC(2005, 6, 20, 18, 42, 11));
    const fixed = filter(["failregex = fail from <HOST>"], { timezone: "UTC+0200" });
    expect(
      fixed.process({ text: "Jan 20 14:42:11 fail from 192.0.2.1", source: "t" })[0]?.match?.time,
    ).toBe(Date.UTC(2005, 0, 20, 12, 42, 11));
    expect(() => filter(["failregex = x <HOST>"], { timezone: "Mars/Olympus" })).toThrow(
      FilterCompileError,
    );
  });

  it("ISO text with the zone's offset", () => {
    expect(isoInZone(Date.UTC(2004, 10, 26, 15, 47, 51), TEST_ZONE)).toBe(
      "2004-11-26T16:47:51+01:00",
    );
    expect(isoInZone(Date.UTC(2005, 6, 26, 15, 47, 51, 250), TEST_ZONE)).toBe(
      "2005-07-26T17:47:51.250+02:00",
    );
    expect(isoInZone(0, "UTC", -90)).toBe("1969-12-31T22:30:00-01:30");
  });
});

describe("journal lines", () => {
  it("take no date from the text: the input's time (or now)", () => {
    const f = loadFilter("sshd", { logtype: "journal", timezone: TEST_ZONE, now: NOW });
    const text = "srv sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2";
    expect(f.process({ text, source: "journal", time: 1_000_000 })[0]?.match).toMatchObject({
      host: "192.0.2.1",
      time: 1_000_000,
    });
    expect(f.process({ text, source: "journal" })[0]?.match?.time).toBe(TEST_NOW * 1000);
  });
});

describe("multi-line failure ids (sshd sessions)", () => {
  it("gather attempts and users of a session, and report them on the failing line", () => {
    const f = loadFilter("sshd", { timezone: TEST_ZONE, now: NOW });
    const p = (text: string) => f.process({ text, source: "t" });
    expect(
      p(
        "Mar  7 18:53:22 bar sshd[1558]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.114",
      ),
    ).toEqual([]);
    const [r] = p(
      "Mar  7 18:53:23 bar sshd[1558]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=sudoer rhost=192.0.2.114",
    );
    expect(r?.match).toMatchObject({ host: "192.0.2.114", users: ["root", "sudoer"] });
    expect(r?.match?.matches).toHaveLength(2);
    // a successful login for the user that failed forgets the session...
    expect(
      p(
        "Mar  7 18:53:20 bar sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.113  user=rda",
      ),
    ).toEqual([]);
    expect(
      p(
        "Mar  7 18:53:20 bar sshd[1556]: Accepted password for rda from 192.0.2.113 port 52100 ssh2",
      ),
    ).toEqual([]);
    expect(p("Mar  7 18:53:20 bar sshd[1556]: Connection closed by 192.0.2.113")).toEqual([]);
    // ...but not a success for another user than the one that failed
    expect(
      p(
        "Mar  7 18:53:32 bar sshd[1559]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.116",
      ),
    ).toEqual([]);
    const [s] = p(
      "Mar  7 18:53:34 bar sshd[1559]: Accepted password for known from 192.0.2.116 port 52100 ssh2",
    );
    expect(s?.match).toMatchObject({ host: "192.0.2.116", users: ["known", "root"] });
  });
});

describe("loading", () => {
  it("built-in detectors by name, with modes", () => {
    expect(builtinNames()).toEqual(
      expect.arrayContaining([
        "sshd",
        "dropbear",
        "asterisk",
        "freeswitch",
        "nginx-http-auth",
        "lighttpd-auth",
        "apache-auth",
        "luci",
        "rutos-webui",
        "kamailio",
      ]),
    );
    const normal = loadFilter("sshd");
    const aggressive = loadFilter("sshd", { mode: "aggressive" });
    expect(aggressive.failregex.length).toBeGreaterThan(normal.failregex.length);
    expect(loadFilter("sshd[mode=aggressive]").failregex).toEqual(aggressive.failregex);
  });

  it("a filter file path, with its errors located", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-filter-"));
    const fd = join(dir, "filter.d");
    execFileSync("mkdir", ["-p", fd]);
    writeFileSync(
      join(fd, "bad.conf"),
      lines("[Definition]", "failregex = ^ok <HOST>$", "            ^broken (<HOST>$"),
    );
    expect(() => loadFilter(join(fd, "bad.conf"))).toThrow(
      new RegExp(
        `${fd.replaceAll("/", "\\/")}\\/bad\\.conf:3: failregex 2: missing \\), unterminated subpattern`,
      ),
    );
    writeFileSync(join(fd, "evil.conf"), lines("[Definition]", "failregex = ^(a+)+$ <HOST>"));
    expect(() => loadFilter(join(fd, "evil.conf"))).toThrow(
      /evil\.conf:2: .*catastrophic backtracking.*\(a\+\)\+/,
    );
    expect(() => loadFilter(join(dir, "nope.conf"))).toThrow(/not a built-in detector/);
  });
});

describe("built-in detectors without fail2ban samples (made-up lines in the formats their sources write)", () => {
  const hosts = (name: string, text: string[]) => {
    const f = loadFilter(name, { timezone: TEST_ZONE, now: NOW });
    return text.map((t) => f.process({ text: t, source: "t" })[0]?.match?.host ?? null);
  };

  it("luci: LuCI's dispatcher through uhttpd (logread and syslog files)", () => {
    expect(
      hosts("luci", [
        "Sat Aug 13 10:00:00 2005 daemon.err uhttpd[11561]: [info] luci: failed login on / for root from 192.168.9.204",
        "Aug 13 10:00:01 router uhttpd[11561]: luci: failed login on /admin for admin from 2001:db8::5",
        "Sat Aug 13 10:00:02 2005 daemon.err uhttpd[11561]: [info] luci: accepted login on / for root from 192.168.9.204",
      ]),
    ).toEqual(["192.168.9.204", "2001:db8::5", null]);
  });

  it("rutos-webui: the LuCI-based and RutOS 7 wordings", () => {
    expect(
      hosts("rutos-webui", [
        "Sat Aug 13 10:00:00 2005 daemon.err uhttpd[2001]: luci: failed login on / for admin from 192.168.1.5",
        "Sat Aug 13 10:00:01 2005 user.notice vuci: Authentication failed for user admin from 192.168.1.6 (WebUI)",
        "Aug 13 10:00:02 RUTX11 api_core[99]: Bad password attempt for 'admin' from 192.168.1.7",
        "Sat Aug 13 10:00:03 2005 user.notice vuci: Authentication was successful for user admin from 192.168.1.6",
      ]),
    ).toEqual(["192.168.1.5", "192.168.1.6", "192.168.1.7", null]);
  });

  it("kamailio: pike module, stock antiflood alert, xlog'd authentication failures", () => {
    expect(
      hosts("kamailio", [
        "Aug 13 10:00:00 sip /usr/sbin/kamailio[1234]: WARNING: pike [pike_funcs.c:151]: pike_check_req(): PIKE - BLOCKing ip 10.10.10.10, node=0x7f7e073f7dd0",
        "Aug 13 10:00:01 sip /usr/sbin/kamailio[1234]: ALERT: <script>: ALERT: pike blocking REGISTER from sip:alice@10.10.10.11 (IP:10.10.10.11:5060)",
        "Aug 13 10:00:02 sip kamailio[1234]: NOTICE: <script>: Auth failed for 1001@example.com from sip:1001@example.com (IP:192.0.2.44:5060)",
        "Aug 13 10:00:03 sip kamailio[1234]: NOTICE: <script>: REGISTER from sip:1001@example.com (IP:192.0.2.45:5060)",
      ]),
    ).toEqual(["10.10.10.10", "10.10.10.11", "192.0.2.44", null]);
  });
});

describe("hostile input", () => {
  it("a 1 MB line is cut and never stalls the matcher", { timeout: 20_000 }, () => {
    const f = loadFilter("sshd", { timezone: TEST_ZONE, now: NOW });
    const big = `Jan  1 00:00:00 h sshd[1]: Failed password for invalid user ${"a ".repeat(500_000)} from 192.0.2.1 port 22 ssh2`;
    const t0 = performance.now();
    const r = f.process({ text: big, source: "t" });
    const ms = performance.now() - t0;
    expect(r).toEqual([]);
    expect(ms).toBeLessThan(2000);
    const garbage = "x".repeat(1 << 20);
    for (const name of builtinNames()) loadFilter(name).process({ text: garbage, source: "t" });
  });

  it("invalid UTF-8 decodes to U+FFFD and is matched like any text", () => {
    const bytes = Buffer.concat([
      Buffer.from("Jan  1 00:00:00 h sshd[1]: Failed password for invalid user "),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from(" from 192.0.2.5 port 22 ssh2"),
    ]);
    const text = new TextDecoder("utf-8").decode(bytes);
    expect(text).toContain("\ufffd");
    const f = loadFilter("sshd", { timezone: TEST_ZONE, now: NOW });
    expect(f.process({ text, source: "t" })[0]?.match?.host).toBe("192.0.2.5");
  });

  it("a catastrophic user regex is refused; accepted on request it is still bounded by the line cut", {
    timeout: 20_000,
  }, () => {
    expect(() => filter(["failregex = ^(a+)+$<HOST>"])).toThrow(/catastrophic backtracking/);
    const f = filter(["failregex = ^(?:a|a)*b<HOST>"], { unsafeRegex: "warn", maxLineLength: 20 });
    expect(f.warnings.join()).toContain("catastrophic");
    const t0 = performance.now();
    f.process({ text: `${"a".repeat(1 << 20)}c`, source: "t" });
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

/** A Python that has Debian's fail2ban modules (fail2ban-regex's own interpreter first). */
function fail2banPython(): string | undefined {
  const candidates = ["/usr/bin/python3", "python3"];
  try {
    const bin = execFileSync("sh", ["-c", "command -v fail2ban-regex"]).toString().trim();
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(bin, "utf8"))?.[1];
    if (shebang) candidates.unshift(shebang);
  } catch {
    // no fail2ban-regex
  }
  for (const py of candidates) {
    try {
      execFileSync(py, ["-c", "import fail2ban.server.filter"], { stdio: "ignore" });
      return py;
    } catch {
      // next
    }
  }
  return undefined;
}

describe("against fail2ban's own Filter (Python)", () => {
  const python = fail2banPython();
  const ok = python !== undefined;
  if (!ok)
    process.stderr.write(
      "[watch-filter] SKIPPED comparison with fail2ban's Filter: not installed\n",
    );
  it.skipIf(!ok)("multi-line buffers, ignoreregex, mlfid and dates give the same failures", () => {
    const scenarios: { def: Record<string, string | number | string[]>; lines: string[] }[] = [
      {
        def: {
          failregex: [
            "^session (?P<s>\\d+) start<SKIPLINES>session (?P=s) from <HOST> denied$",
            "^single <HOST>$",
          ],
          ignoreregex: ["denied by admin"],
          maxlines: 3,
        },
        lines: [
          "Jan  2 10:00:00 session 7 start",
          "Jan  2 10:00:01 noise",
          "Jan  2 10:00:02 session 7 from 192.0.2.7 denied",
          "Jan  2 10:00:03 single 192.0.2.8",
          "Jan  2 10:00:04 session 9 start",
          "Jan  2 10:00:05 session 9 from 192.0.2.9 denied by admin",
          "Jan  2 10:00:06 single 192.0.2.10",
        ],
      },
      {
        def: {
          prefregex: "^<F-MLFID>\\S+ app\\[\\d+\\]:</F-MLFID> <F-CONTENT>.+</F-CONTENT>$",
          failregex: [
            "^<F-NOFAIL>hello from</F-NOFAIL> <HOST>$",
            "^bad password for <F-USER>\\S+</F-USER>$",
            "^<F-MLFFORGET><F-MLFGAINED>welcome</F-MLFGAINED></F-MLFFORGET> <F-USER>\\S+</F-USER>$",
            "^<F-MLFFORGET>bye</F-MLFFORGET>$",
          ],
        },
        lines: [
          "Feb  1 00:00:00 h app[1]: hello from 192.0.2.1",
          "Feb  1 00:00:01 h app[1]: bad password for root",
          "Feb  1 00:00:02 h app[1]: bad password for admin",
          "Feb  1 00:00:03 h app[2]: bad password for root",
          "Feb  1 00:00:04 h app[2]: hello from 192.0.2.2",
          "Feb  1 00:00:05 h app[3]: hello from 192.0.2.3",
          "Feb  1 00:00:06 h app[3]: bad password for x",
          "Feb  1 00:00:07 h app[3]: welcome x",
          "Feb  1 00:00:08 h app[1]: bye",
        ],
      },
      {
        def: { failregex: ["fail from <HOST>"] },
        lines: [
          "2005-01-23T21:59:59.981746 fail from 192.0.2.1",
          "23/01/05 21:59:59 fail from 192.0.2.2",
          "[31/Oct/2006:09:22:55 -0000] fail from 192.0.2.3",
          "Sun Jan 23 2005 21:59:59.011 fail from 192.0.2.4",
          "05/20/2008:01:57:39 fail from 192.0.2.5",
          "130322 11:46:11 fail from 192.0.2.6",
          "Apr 27 2013 02:33:06 fail from 192.0.2.7",
          "PDT Apr 16 21:05:29 fail from 192.0.2.8",
          "+00:00 Jan 23 21:59:59.011 2005 fail from 192.0.2.9",
          "1124013500.123 fail from 192.0.2.10",
          "<09/16/08@05:03:30> fail from 192.0.2.11",
          "20050123T215959 fail from 192.0.2.12",
          "no date at all: fail from 192.0.2.13",
          "Jul 20 14:42:11 x fail from 192.0.2.14",
          "01-27-2012 16:22:44.252 fail from 192.0.2.15",
        ],
      },
    ];
    const script = `
import json, sys, os, time
os.environ["TZ"] = "CET-01CEST-02,M3.5.0,M10.5.0"; time.tzset()
from fail2ban.server.mytime import MyTime
from fail2ban.server.filter import Filter
MyTime.setTime(${TEST_NOW})
out = []
for sc in json.load(sys.stdin):
    d = sc["def"]
    f = Filter(None); f.returnRawHost = True; f.checkAllRegex = True; f.checkFindTime = False
    if "maxlines" in d: f.setMaxLines(d["maxlines"])
    if "prefregex" in d: f.prefRegex = d["prefregex"]
    for r in d.get("failregex", []): f.addFailRegex(r)
    for r in d.get("ignoreregex", []): f.addIgnoreRegex(r)
    res = []
    for line in sc["lines"]:
        res.append([[r[0], None if r[1] is None else str(r[1]), r[2], sorted(r[3].get("users") or []), r[3].get("user"), len(r[3].get("matches") or []), bool(r[3].get("nofail"))] for r in f.processLine(line)])
    out.append(res)
json.dump(out, sys.stdout)`;
    const py = JSON.parse(
      execFileSync(python ?? "python3", ["-c", script], {
        input: JSON.stringify(scenarios),
        stdio: ["pipe", "pipe", "ignore"],
      }).toString(),
    ) as unknown[];
    const ours = scenarios.map((sc) => {
      const def: string[] = [];
      const multi = (k: string, v: string[]) => {
        def.push(`${k} = ${v[0] ?? ""}`);
        for (const x of v.slice(1)) def.push(`    ${x}`);
      };
      if (sc.def.prefregex) def.push(`prefregex = ${sc.def.prefregex}`);
      if (sc.def.maxlines) def.push(`maxlines = ${sc.def.maxlines}`);
      multi("failregex", sc.def.failregex as string[]);
      if (sc.def.ignoreregex) multi("ignoreregex", sc.def.ignoreregex as string[]);
      const fs = memoryFs({
        "filter.d/t.conf": lines("[Definition]", ...def.map((l) => l.replaceAll("%", "%%"))),
      });
      const f = compileFilter(readFilter(fs, "t"), {
        timezone: TEST_ZONE,
        now: NOW,
        checkAllRegex: true,
        keepPending: true,
      });
      return sc.lines.map((l) =>
        f
          .processRaw(l)
          .map((r: RawFailure) => [
            r.regexIndex,
            r.fid,
            r.date ?? null,
            [...(r.fail.users ?? [])].sort(),
            (r.fail.user as string | undefined) ?? null,
            (r.fail.matches ?? []).length,
            Boolean(r.fail.nofail),
          ]),
      );
    });
    expect(ours).toEqual(py);
  });
});

describeCorpus("throughput", () => {
  it("sshd filter over the sshd corpus log repeated to 200k lines (printed, not asserted)", {
    timeout: 120_000,
  }, () => {
    const base = readFileSync(corpusPath("fail2ban-logs", "sshd"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    const all: string[] = [];
    while (all.length < 200_000) all.push(...base);
    all.length = 200_000;
    const report: string[] = [];
    for (const [label, load] of [
      [
        "fail2ban filter.d/sshd.conf",
        () =>
          loadFilter(corpusPath("fail2ban-config", "filter.d", "sshd.conf"), {
            timezone: TEST_ZONE,
          }),
      ],
      ["built-in sshd", () => loadFilter("sshd", { timezone: TEST_ZONE })],
    ] as const) {
      let best = 0;
      let failures = 0;
      for (let round = 0; round < 3; round++) {
        const f = load();
        failures = 0;
        const t0 = performance.now();
        for (const text of all) failures += f.process({ text, source: "bench" }).length;
        best = Math.max(best, all.length / ((performance.now() - t0) / 1000));
      }
      report.push(
        `${label}: ${Math.round(best).toLocaleString("en")} lines/s (${failures} failures in ${all.length} lines)`,
      );
    }
    console.log(`[watch-filter] throughput, best of 3:\n  ${report.join("\n  ")}`);
  });
});
