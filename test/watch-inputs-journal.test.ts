import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  formatJournalEntry,
  type JournalEntry,
  JournalReader,
  journalctlArgs,
  parseJournalJson,
  splitJournalMatch,
} from "../src/watch/inputs/journal.js";
import type { LogLine } from "../src/watch/types.js";

async function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Recorded entries, as journalctl -o json prints them (one object per line). */
const ENTRIES: JournalEntry[] = [
  {
    __CURSOR: "s=abc;i=1",
    __REALTIME_TIMESTAMP: "1700000000123456",
    __MONOTONIC_TIMESTAMP: "5000000",
    _HOSTNAME: "pbx",
    SYSLOG_IDENTIFIER: "sshd",
    _PID: "812",
    _COMM: "sshd",
    MESSAGE: "Failed password for invalid user admin from 203.0.113.7 port 50022 ssh2",
  },
  {
    __CURSOR: "s=abc;i=2",
    __REALTIME_TIMESTAMP: "1700000001000000",
    _SOURCE_REALTIME_TIMESTAMP: "1700000000999000",
    _HOSTNAME: "pbx",
    _COMM: "sshd",
    SYSLOG_PID: "813",
    // "Invalid user \xff from 198.51.100.2": not UTF-8, so journalctl prints bytes.
    MESSAGE: [
      ...Buffer.from("Invalid user "),
      0xff,
      ...Buffer.from(" from 198.51.100.2 port 4000"),
    ],
  },
  {
    __CURSOR: "s=abc;i=3",
    __REALTIME_TIMESTAMP: "1700000002000000",
    __MONOTONIC_TIMESTAMP: "12345678",
    _HOSTNAME: "pbx",
    SYSLOG_IDENTIFIER: "kernel",
    MESSAGE: "eth0: Link is Down",
  },
  {
    __CURSOR: "s=abc;i=4",
    __REALTIME_TIMESTAMP: "1700000003000000",
    SYSLOG_IDENTIFIER: "asterisk",
    MESSAGE: ["first value", "second\nvalue"],
  },
];

const EXPECTED = [
  "pbx sshd[812]: Failed password for invalid user admin from 203.0.113.7 port 50022 ssh2",
  "pbx sshd[813]: Invalid user \uFFFD from 198.51.100.2 port 4000",
  "pbx kernel: [   12.345678] eth0: Link is Down",
  "asterisk: first value second\\nvalue",
];

describe("journal entry formatting (fail2ban's systemd backend)", () => {
  it("builds 'host ident[pid]: message' with fail2ban's fallbacks and time", () => {
    expect(ENTRIES.map((e) => formatJournalEntry(e).text)).toEqual(EXPECTED);
    expect(ENTRIES.map((e) => formatJournalEntry(e).time)).toEqual([
      1700000000123, 1700000000999, 1700000002000, 1700000003000,
    ]);
    expect(formatJournalEntry({ MESSAGE: "bare" })).toEqual({ text: "bare" });
    expect(formatJournalEntry({ _COMM: "x", _PID: "0x1f", MESSAGE: "m" }).text).toBe("x[31]: m");
    expect(formatJournalEntry({ _COMM: "x", _PID: "abc", MESSAGE: "m" }).text).toBe("x[abc]: m");
    expect(formatJournalEntry({ _COMM: "x", MESSAGE: null }).text).toBe("x: ");
  });

  it("parses journalctl JSON lines, rejecting what is not an object", () => {
    expect(parseJournalJson('{"MESSAGE":"x"}')).toEqual({ MESSAGE: "x" });
    expect(parseJournalJson("[1,2]")).toBeUndefined();
    expect(parseJournalJson("{broken")).toBeUndefined();
    expect(parseJournalJson("-- No entries --")).toBeUndefined();
  });

  const oracle = existsSync("/usr/lib/python3/dist-packages/fail2ban/server/filtersystemd.py");
  it.skipIf(!oracle)("formats exactly as fail2ban's own formatJournalEntry does", () => {
    // fail2ban's module needs python-systemd only for its import: stub it, and convert fields
    // the way python-systemd does (PIDs to int, timestamps to datetime, byte arrays to bytes).
    const script = `
import sys, types, json, datetime
sysd = types.ModuleType("systemd"); j = types.ModuleType("systemd.journal")
class Reader: pass
j.Reader = Reader; j.__version__ = "252"; sysd.journal = j
sys.modules["systemd"] = sysd; sys.modules["systemd.journal"] = j
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from fail2ban.server.filtersystemd import FilterSystemd
class Self:
    def getLogEncoding(self): return "UTF-8"
    def getJrnEntTime(self, e): return FilterSystemd.getJrnEntTime(self, e)
    jailName = "t"
def conv(k, v):
    if isinstance(v, list) and v and isinstance(v[0], int): v = bytes(v)
    if k in ("SYSLOG_PID", "_PID"): return int(v)
    if k in ("__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP"):
        return datetime.datetime.fromtimestamp(int(v) / 1e6)
    if k == "__MONOTONIC_TIMESTAMP": return (datetime.timedelta(microseconds=int(v)), None)
    if k == "_SOURCE_MONOTONIC_TIMESTAMP": return datetime.timedelta(microseconds=int(v))
    if isinstance(v, list): return [bytes(x) if isinstance(x, list) else x for x in v]
    return v
for line in sys.stdin:
    e = {k: conv(k, v) for k, v in json.loads(line).items() if not k.startswith("__CURSOR")}
    (_, _, text), tm = FilterSystemd.formatJournalEntry(Self(), e)
    print(json.dumps({"text": text, "time": round(tm * 1000)}))
`;
    const r = spawnSync("python3", ["-c", script], {
      input: ENTRIES.map((e) => JSON.stringify(e)).join("\n"),
      encoding: "utf8",
    });
    if (r.error || r.status !== 0) {
      throw new Error(`fail2ban oracle failed: ${r.error?.message ?? r.stderr}`);
    }
    const theirs = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ENTRIES.map((e) => formatJournalEntry(e))).toEqual(theirs);
  });
});

describe("journalctl arguments", () => {
  it("splits a fail2ban journalmatch and passes it after the options", () => {
    expect(splitJournalMatch("_SYSTEMD_UNIT=sshd.service + _COMM=sshd")).toEqual([
      "_SYSTEMD_UNIT=sshd.service",
      "+",
      "_COMM=sshd",
    ]);
    expect(splitJournalMatch(`A="x y" + 'B=z'`)).toEqual(["A=x y", "+", "B=z"]);
    expect(() => splitJournalMatch('A="x')).toThrow(/unclosed quote/);
    const args = journalctlArgs({ matches: "_SYSTEMD_UNIT=sshd.service + _COMM=sshd" });
    expect(args.slice(0, 5)).toEqual(["-o", "json", "--all", "--no-pager", "-q"]);
    expect(args).toContain("-f");
    expect(args.join(" ")).toContain("-n 0");
    expect(args.slice(-3)).toEqual(["_SYSTEMD_UNIT=sshd.service", "+", "_COMM=sshd"]);
  });

  it("starts from a time or a cursor", () => {
    const since = journalctlArgs({ since: new Date(1_700_000_000_500), follow: false });
    expect(since).toContain("--since=@1700000000");
    expect(since).not.toContain("-f");
    expect(journalctlArgs({ since: "-1h" })).toContain("--since=-1h");
    const cur = journalctlArgs({ afterCursor: "s=abc;i=9", since: "today" });
    expect(cur).toContain("--after-cursor=s=abc;i=9");
    expect(cur.some((a) => a.startsWith("--since"))).toBe(false);
  });
});

describe("journal reader with a fake journalctl", () => {
  let dir: string;
  const savedPath = process.env.PATH;
  const readers: JournalReader[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bulwark-journal-"));
    // Prints out.<n>.jsonl for its n-th run (n from 1), logs its arguments, then ends with
    // exit.<n> if that file exists, else (when following) waits to be killed.
    const script = `#!/bin/sh
d=$(dirname "$0")
n=$(cat "$d/count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$d/count"
printf '%s\\n' "$*" >> "$d/args"
cat "$d/out.$n.jsonl" 2>/dev/null
if [ -f "$d/err.$n" ]; then cat "$d/err.$n" >&2; exit 1; fi
if [ -f "$d/exit.$n" ]; then echo "fake journalctl: exit $(cat "$d/exit.$n")" >&2; exit $(cat "$d/exit.$n"); fi
for a in "$@"; do [ "$a" = "-f" ] && exec sleep 30; done
exit 0
`;
    writeFileSync(join(dir, "journalctl"), script);
    chmodSync(join(dir, "journalctl"), 0o755);
    process.env.PATH = `${dir}${delimiter}${savedPath ?? ""}`;
  });
  afterEach(async () => {
    for (const r of readers.splice(0)) await r.stop();
    for (const f of ["count", "args", "out.1.jsonl", "out.2.jsonl", "exit.1", "exit.2", "err.1"])
      rmSync(join(dir, f), { force: true });
  });
  afterAll(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  const jsonl = (es: JournalEntry[]) => `${es.map((e) => JSON.stringify(e)).join("\n")}\n`;

  it("reads what journalctl prints and ends with it (not following)", async () => {
    writeFileSync(join(dir, "out.1.jsonl"), `${jsonl(ENTRIES)}not json at all\n`);
    const lines: LogLine[] = [];
    const r = new JournalReader({
      onLine: (l) => lines.push(l),
      follow: false,
      matches: "_SYSTEMD_UNIT=sshd.service + _COMM=sshd",
      since: "2023-11-14 00:00:00",
    });
    readers.push(r);
    await r.start();
    await r.done;
    expect(lines.map((l) => l.text)).toEqual(EXPECTED);
    expect(lines[0]).toEqual({ text: EXPECTED[0], source: "journal", time: 1700000000123 });
    expect(r.stats).toMatchObject({ lines: 4, malformed: 1 });
    expect(r.cursor).toBe("s=abc;i=4");
    const args = readFileSync(join(dir, "args"), "utf8");
    expect(args).toContain("-o json --all --no-pager -q --output-fields=MESSAGE,");
    expect(args).toContain("--since=2023-11-14 00:00:00 _SYSTEMD_UNIT=sshd.service + _COMM=sshd");
  });

  it("follows, and runs journalctl again after the last cursor when it ends", async () => {
    writeFileSync(join(dir, "out.1.jsonl"), jsonl(ENTRIES.slice(0, 2)));
    writeFileSync(join(dir, "exit.1"), "1");
    writeFileSync(join(dir, "out.2.jsonl"), jsonl(ENTRIES.slice(2)));
    const lines: LogLine[] = [];
    const warnings: string[] = [];
    const r = new JournalReader({
      onLine: (l) => lines.push(l),
      onWarning: (w) => warnings.push(w),
      restartDelayMs: 20,
    });
    readers.push(r);
    await r.start();
    await waitFor(() => lines.length === 4, 5000, "4 lines over two runs");
    expect(lines.map((l) => l.text)).toEqual(EXPECTED);
    expect(r.stats.restarts).toBe(1);
    expect(warnings[0]).toMatch(/ended \(code 1: fake journalctl: exit 1\); running it again/);
    const runs = readFileSync(join(dir, "args"), "utf8").trim().split("\n");
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain("-n 0 -f");
    expect(runs[1]).toContain("--after-cursor=s=abc;i=2 -f");
    await r.stop();
    await r.done;
  });

  it("asks an old journalctl (no --output-fields) for whole entries", async () => {
    writeFileSync(
      join(dir, "err.1"),
      "journalctl: unrecognized option '--output-fields=MESSAGE'\n",
    );
    writeFileSync(join(dir, "out.2.jsonl"), jsonl(ENTRIES.slice(0, 1)));
    const lines: LogLine[] = [];
    const r = new JournalReader({ onLine: (l) => lines.push(l), follow: false });
    readers.push(r);
    await r.start();
    await r.done;
    expect(lines.map((l) => l.text)).toEqual(EXPECTED.slice(0, 1));
    const runs = readFileSync(join(dir, "args"), "utf8").trim().split("\n");
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain("--output-fields=");
    expect(runs[1]).not.toContain("--output-fields=");
  });

  it("reports a journalctl that fails or cannot be found", async () => {
    writeFileSync(join(dir, "exit.1"), "2");
    const r = new JournalReader({ onLine: () => {}, follow: false });
    readers.push(r);
    await r.start();
    await expect(r.done).rejects.toThrow(/journalctl ended with code 2/);
    const missing = new JournalReader({
      onLine: () => {},
      journalctl: join(dir, "no-such-journalctl"),
    });
    await expect(missing.start()).rejects.toThrow(/not found/);
  });
});

/** A real journal, when this machine has one with entries (a container often has none). */
function realJournalHasEntries(): boolean {
  try {
    const out = execFileSync("journalctl", ["-o", "json", "-n", "1", "--all", "-q", "--no-pager"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.trimStart().startsWith("{");
  } catch {
    return false;
  }
}

const hasJournal = realJournalHasEntries();
if (!hasJournal)
  process.stderr.write(
    "\n[bulwark] SKIPPED real journal read: journalctl finds no journal entries here\n",
  );

describe.skipIf(!hasJournal)("journal reader with the real journalctl", () => {
  it("reads the last entries of this machine's journal", async () => {
    const lines: LogLine[] = [];
    const r = new JournalReader({
      onLine: (l) => lines.push(l),
      follow: false,
      extraArgs: ["-n", "5"],
    });
    await r.start();
    await r.done;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const l of lines) {
      expect(l.source).toBe("journal");
      expect(typeof l.time).toBe("number");
    }
  });
});
