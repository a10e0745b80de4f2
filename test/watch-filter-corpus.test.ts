/**
 * fail2ban's own test suite, run through bulwark: every annotated sample log of
 * ../shared/corpus/fail2ban-logs through the matching filter file of
 * ../shared/corpus/fail2ban-config/filter.d (and the built-in detectors through the logs of their
 * services), every `failJSON` expectation checked as fail2ban's samplestestcase.py checks it:
 * match, host, user/users, attempts, time (Europe/Zurich, "now" frozen at 2005-08-14).
 */
import { readdirSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { loadFilter } from "../src/watch/filter/load.js";
import { runSamples, type SampleReport, TEST_NOW, TEST_ZONE } from "../src/watch/filter/samples.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

const LOGS = "fail2ban-logs";
const FILTERS = "fail2ban-config/filter.d";

/** Logs that only run as part of another one (`# addFILE:`), not on their own. */
const ADDED_ONLY = new Set(["sshd-journal"]);

/**
 * Expectations bulwark does not meet, with the reason. Empty: every expectation is met. A check
 * is named `log:line variant` (variant as fail2ban names it, e.g. `sshd{'mode': 'aggressive'}`).
 */
const EXPECTED_FAILURES: Record<string, string> = {};

/** The built-in detector for a service, and the sample log(s) of that service. */
const BUILTIN_LOGS: Record<string, string> = {
  sshd: "sshd",
  dropbear: "dropbear",
  asterisk: "asterisk",
  freeswitch: "freeswitch",
  "nginx-http-auth": "nginx-http-auth",
  "lighttpd-auth": "lighttpd-auth",
  "apache-auth": "apache-auth",
};

function run(
  name: string,
  log: string,
  load: (params: Record<string, string>) => ReturnType<typeof loadFilter>,
) {
  return runSamples({
    dir: corpusPath(LOGS),
    file: log,
    name,
    now: TEST_NOW,
    zone: TEST_ZONE,
    makeFilter: (params) => {
      const f = load(params);
      return { processRaw: (t, time) => f.processRaw(t, time), failregex: f.failregex };
    },
  });
}

function table(title: string, rows: { what: string; file: string; met: number; checks: number }[]) {
  const w = Math.max(...rows.map((r) => `${r.what} ${r.file}`.length), 10);
  const out = rows.map(
    (r) => `  ${`${r.what} ← ${r.file}`.padEnd(w + 3)} ${String(r.met).padStart(4)}/${r.checks}`,
  );
  const met = rows.reduce((a, r) => a + r.met, 0);
  const all = rows.reduce((a, r) => a + r.checks, 0);
  console.log(
    `[${title}] failJSON expectations met per file:\n${out.join("\n")}\n  total ${met}/${all}`,
  );
}

function unmet(report: SampleReport): string[] {
  return report.checks
    .filter((c) => !c.ok)
    .map((c) => `${c.file}:${c.lineNo} ${c.variant}`)
    .filter((k) => !(k in EXPECTED_FAILURES));
}

describeCorpus("fail2ban sample logs through fail2ban's filters", () => {
  const logs = readdirSync(corpusPath(LOGS))
    .filter((f) => f !== "PROVENANCE.md" && !ADDED_ONLY.has(f))
    .sort();
  const rows: { what: string; file: string; met: number; checks: number }[] = [];

  for (const log of logs) {
    it(`${log}: every failJSON expectation, and every failregex has a sample`, () => {
      const report = run(log, log, (params) =>
        loadFilter(corpusPath(FILTERS, `${log}.conf`), {
          set: params,
          timezone: TEST_ZONE,
          now: () => TEST_NOW * 1000,
          checkAllRegex: true,
        }),
      );
      for (const f of report.files)
        rows.push({ what: `filter.d/${log}.conf`, file: f.file, met: f.met, checks: f.checks });
      expect(report.checks.length).toBeGreaterThan(0);
      const failed = report.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.file}:${c.lineNo} ${c.variant}: ${c.message}`);
      expect(unmet(report), failed.join("\n")).toEqual([]);
      expect(report.regexWithoutSamples).toEqual([]);
    });
  }

  afterAll(() => {
    if (rows.length) table("watch-filter-corpus", rows);
  });
});

describeCorpus("fail2ban sample logs through the built-in detectors", () => {
  const rows: { what: string; file: string; met: number; checks: number }[] = [];
  for (const [name, log] of Object.entries(BUILTIN_LOGS)) {
    it(`built-in ${name}: every failJSON expectation of ${log}`, () => {
      const report = run(name, log, (params) =>
        loadFilter(name, {
          set: params,
          timezone: TEST_ZONE,
          now: () => TEST_NOW * 1000,
          checkAllRegex: true,
        }),
      );
      for (const f of report.files)
        rows.push({ what: `built-in ${name}`, file: f.file, met: f.met, checks: f.checks });
      const failed = report.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.file}:${c.lineNo} ${c.variant}: ${c.message}`);
      expect(unmet(report), failed.join("\n")).toEqual([]);
    });
  }

  afterAll(() => {
    if (rows.length) table("watch-filter-corpus built-in", rows);
  });
});
