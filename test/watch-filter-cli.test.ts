/**
 * `bulwark regex` end to end: JSON output against the failJSON annotations of corpus logs, exit
 * codes, and — where Debian's fail2ban-regex is installed — the same lines matched as it matches.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFilter } from "../src/watch/filter/load.js";
import { evalCondition } from "../src/watch/filter/samples.js";
import { runCli } from "./support/cli.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

interface JsonLine {
  line: number;
  match: boolean;
  host?: string;
  user?: string;
  users?: string[];
  time?: string;
  attempts?: number;
  ignored?: boolean;
}

/**
 * The annotations that hold for the default variant (no filter options): line number of the
 * annotated line → expectation. Stops at a `filterOptions` block that does not run the default.
 */
function defaultExpectations(log: string, name: string): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  const text = readFileSync(corpusPath("fail2ban-logs", log), "utf8").split("\n");
  for (let i = 0; i < text.length; i++) {
    const m = /^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$/.exec(text[i] ?? "");
    if (!m) continue;
    const data = JSON.parse(m[2] ?? "null") as unknown;
    if (m[1] === "filterOptions") {
      const variants = (Array.isArray(data) ? data : [data]) as Record<string, unknown>[];
      if (!variants.some((v) => Object.keys(v).filter((k) => !k.startsWith("test.")).length === 0))
        break;
      continue;
    }
    if (m[1] !== "failJSON") continue;
    const exp = data as Record<string, unknown>;
    if (typeof exp.constraint === "string" && !evalCondition(exp.constraint, { name, opts: {} }))
      continue;
    out.set(i + 2, exp);
  }
  return out;
}

async function regexJson(args: string[]): Promise<JsonLine[]> {
  const r = await runCli(["regex", ...args, "--format", "json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonLine[];
}

describeCorpus("bulwark regex --format json on corpus logs", () => {
  const cases: [string, string][] = [
    ["dropbear", "fail2ban-config/filter.d/dropbear.conf"],
    ["lighttpd-auth", "fail2ban-config/filter.d/lighttpd-auth.conf"],
    ["asterisk", "fail2ban-config/filter.d/asterisk.conf"],
    ["apache-auth", "fail2ban-config/filter.d/apache-auth.conf"],
    ["sshd", "fail2ban-config/filter.d/sshd.conf"],
    ["sshd", "sshd"],
    ["freeswitch", "freeswitch"],
  ];
  for (const [log, filter] of cases) {
    it(`${log} with ${filter}: one object per line, as the annotations say`, async () => {
      const filterArg = filter.includes("/") ? corpusPath(filter) : filter;
      const out = await regexJson([
        corpusPath("fail2ban-logs", log),
        filterArg,
        "--timezone",
        "Europe/Zurich",
      ]);
      const lineCount = readFileSync(corpusPath("fail2ban-logs", log), "utf8")
        .replace(/\n$/, "")
        .split("\n").length;
      expect(out.map((o) => o.line)).toEqual(Array.from({ length: lineCount }, (_, i) => i + 1));
      const exp = defaultExpectations(log, log);
      expect(exp.size).toBeGreaterThan(0);
      let checked = 0;
      for (const [lineNo, e] of exp) {
        const o = out[lineNo - 1];
        const where = `${log}:${lineNo} ${JSON.stringify(o)} vs ${JSON.stringify(e)}`;
        expect(o?.match, where).toBe(Boolean(e.match));
        if (e.match) {
          if (e.host !== undefined) expect(o?.host, where).toBe(e.host);
          if (e.user !== undefined) expect(o?.user, where).toBe(e.user);
          if (e.users !== undefined)
            expect(o?.users, where).toEqual([...(e.users as string[])].sort());
          if (e.attempts !== undefined) expect(o?.attempts, where).toBe(e.attempts);
          if (typeof e.time === "string") {
            // the CLI infers missing years from today, the annotations from 2005: the wall clock is the same
            expect(o?.time?.slice(5, 19), where).toBe(e.time.slice(5, 19));
            expect(o?.time, where).toMatch(/[+-]\d\d:\d\d$/);
          }
        }
        checked++;
      }
      console.log(
        `[watch-filter-cli] ${log} via ${filter}: ${checked}/${exp.size} annotated lines as expected`,
      );
    });
  }

  it("text output: fail2ban-regex's summary", async () => {
    const r = await runCli(["regex", corpusPath("fail2ban-logs", "dropbear"), "dropbear"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Use   failregex built-in detector : dropbear");
    expect(r.stdout).toMatch(/Failregex: 10 total/);
    expect(r.stdout).toMatch(/Lines: 23 lines, 0 ignored, 10 matched, 13 missed/);
    expect(r.stdout).toContain("Date template hits:");
  });
});

describe("bulwark regex exit codes", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-regex-"));
  const log = join(dir, "auth.log");
  writeFileSync(log, "Jan  1 00:00:00 h sshd[1]: Invalid user x from 192.0.2.1 port 22\n");
  execFileSync("mkdir", ["-p", join(dir, "filter.d")]);
  const bad = join(dir, "filter.d", "bad.conf");
  writeFileSync(bad, "[Definition]\nfailregex = ^ok <HOST>$\n            ^bro(ken <HOST>$\n");

  it("0 on success, with a built-in detector", async () => {
    const out = await regexJson([log, "sshd"]);
    expect(out).toEqual([
      expect.objectContaining({ line: 1, match: true, host: "192.0.2.1", user: "x" }),
    ]);
  });

  it("2 on a bad filter, naming file and line", async () => {
    const r = await runCli(["regex", log, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3: failregex 2: missing ), unterminated subpattern`);
  });

  it("2 on an unknown filter or an unreadable log", async () => {
    const a = await runCli(["regex", log, "no-such-detector"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("not a built-in detector");
    const b = await runCli(["regex", join(dir, "missing.log"), "sshd"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("cannot read");
  });

  it("--mode, --set and --logtype reach the filter", async () => {
    writeFileSync(
      log,
      "Jan  1 00:00:00 h sshd[1]: Did not receive identification string from 192.0.2.7\n",
    );
    expect((await regexJson([log, "sshd"]))[0]?.match).toBe(false);
    expect((await regexJson([log, "sshd", "--mode", "ddos"]))[0]?.match).toBe(true);
    expect((await regexJson([log, "sshd", "--set", "mode=aggressive"]))[0]?.match).toBe(true);
    writeFileSync(log, "srv sshd[9]: Invalid user y from 192.0.2.9 port 22\n");
    const j = await regexJson([log, "sshd", "--logtype", "journal"]);
    expect(j[0]).toMatchObject({ match: true, host: "192.0.2.9" });
    expect(j[0]?.time).toBeUndefined();
  });

  it("invalid UTF-8 in the log is read, not refused", async () => {
    writeFileSync(
      log,
      Buffer.concat([
        Buffer.from("Jan  1 00:00:00 h sshd[1]: Invalid user \xff"),
        Buffer.from([0xff, 0xc3]),
        Buffer.from(" from 192.0.2.3 port 22\n"),
      ]),
    );
    expect((await regexJson([log, "sshd"]))[0]).toMatchObject({ match: true, host: "192.0.2.3" });
  });
});

/** Debian's fail2ban-regex, if installed. */
function fail2banRegex(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v fail2ban-regex"]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

describeCorpus("side by side with fail2ban-regex", () => {
  const bin = fail2banRegex();
  if (!bin)
    process.stderr.write(
      "[watch-filter-cli] SKIPPED side by side: fail2ban-regex is not installed\n",
    );
  const logs = [
    "sshd",
    "sshd-journal",
    "dropbear",
    "asterisk",
    "freeswitch",
    "nginx-http-auth",
    "nginx-limit-req",
    "lighttpd-auth",
    "apache-auth",
    "monit",
    "pam-generic",
    "recidive",
    "selinux-ssh",
  ];
  for (const log of logs) {
    const filter = log === "sshd-journal" ? "sshd" : log;
    it.skipIf(!bin)(
      `${log}: the same matched lines as fail2ban-regex (${filter}.conf)`,
      async () => {
        const logPath = corpusPath("fail2ban-logs", log);
        const filterPath = corpusPath("fail2ban-config", "filter.d", `${filter}.conf`);
        const f2b = execFileSync(
          bin as string,
          [
            "-r",
            "--print-all-matched",
            "--print-no-missed",
            "--print-no-ignored",
            logPath,
            filterPath,
          ],
          { maxBuffer: 1e8 },
        ).toString();
        const theirs = (f2b.split("|- Matched line(s):")[1] ?? "")
          .split("\n")
          .filter((l) => l.startsWith("|  "))
          .map((l) => l.slice(3))
          .sort();
        const theirCounts = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(
          f2b,
        );

        // ours, counted the way fail2ban-regex counts (it skips comment and blank lines)
        const flt = loadFilter(filterPath, { checkAllRegex: true, keepPending: true });
        const ours: string[] = [];
        let ignored = 0;
        for (const raw of readFileSync(logPath, "utf8").split("\n")) {
          const line = raw.replace(/\r+$/, "");
          if (!line || line.startsWith("#")) continue;
          const v = flt.classify(line);
          if (v.kind === "ignored") ignored++;
          else if (v.kind === "matched") ours.push(line.replace(/\s+$/, ""));
        }
        ours.sort();
        expect(ours).toEqual(theirs);
        expect(String(ignored)).toBe(theirCounts?.[2]);
        expect(String(ours.length)).toBe(theirCounts?.[3]);

        // and the CLI's own summary agrees on matched and ignored lines
        const cli = await runCli(["regex", logPath, filterPath]);
        const c = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(cli.stdout);
        expect([c?.[2], c?.[3]]).toEqual([theirCounts?.[2], theirCounts?.[3]]);
        console.log(
          `[watch-filter-cli] ${log}: ${ours.length} matched, ${ignored} ignored — same as fail2ban-regex`,
        );
      },
    );
  }
});
