import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFilter } from "../src/parsers/fail2ban/filter.js";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";
import { parseIni } from "../src/parsers/fail2ban/ini.js";
import { loadJails } from "../src/parsers/fail2ban/jails.js";
import type { Fail2banDiagnostic } from "../src/parsers/fail2ban/types.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

/** Seeds written for these tests, using every construct the reader knows. */
const SEED: Record<string, string> = {
  "jail.conf": lines(
    "[INCLUDES]",
    "before = paths.conf",
    "after = overrides.conf",
    "[DEFAULT]",
    "ignoreip = 127.0.0.1/8 ::1 192.0.2.1",
    "bantime = 1h",
    "findtime = 10m",
    "maxretry = 3",
    "mode = normal",
    "filter = %(__name__)s[mode=%(mode)s]",
    'action_ = %(banaction)s[port="%(port)s", protocol=tcp]',
    "action = %(action_)s",
    "          mail[dest=root]",
    "port = 0:65535",
    "enabled = false",
    "[demo]",
    "enabled = true ; inline comment",
    "port = 22",
    "logpath = %(demo_log)s",
    "          /var/log/other.log tail",
    "action_ = %(default/action_)s[name=%(__name__)s]",
    "bantime.increment = yes",
  ),
  "paths.conf": lines("[DEFAULT]", "banaction = iptables", "demo_log = /var/log/%(__name__)s.log"),
  "overrides.conf": lines("[DEFAULT]", "banaction = iptables-multiport"),
  "jail.d/extra.local": lines("[demo]", "port = %(known/port)s,2222", "mode = aggressive"),
  "filter.d/common.conf": lines("[DEFAULT]", "_daemon = \\S+", "__prefix_line = <_daemon>:\\s+"),
  "filter.d/demo.conf": lines(
    "[INCLUDES]",
    "before = common.conf",
    "[Definition]",
    "_daemon = demod",
    "failregex = ^%(__prefix_line)sFailed for <HOST>$",
    "            <mdre-<mode>>",
    "mdre-normal =",
    "mdre-aggressive = ^Probe from <HOST>",
    "ignoreregex =",
    "[Init]",
    "maxlines = 1",
  ),
};

const ALPHABET = [
  ..."[]=:%()s<>/#; \t\n\r,\"'ab1",
  "%(",
  ")s",
  "\n  ",
  "[DEFAULT]\n",
  "[INCLUDES]\nbefore = ",
  "<mode>",
  "%%",
];

interface Mutation {
  at: number;
  remove: number;
  insert: string;
}

const mutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 8 }),
  insert: fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }).map((a) => a.join("")),
});

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    out = out.slice(0, at) + m.insert + out.slice(at + m.remove);
  }
  return out;
}

function checkDiagnostics(diagnostics: Fail2banDiagnostic[], files: Set<string>) {
  for (const d of diagnostics) {
    expect(files.has(d.file), `${d.file}: ${d.message}`).toBe(true);
    expect(Number.isInteger(d.line) && d.line >= 1, `${d.file}:${d.line}: ${d.message}`).toBe(true);
    expect(["error", "warning", "info"]).toContain(d.severity);
  }
}

function checkTree(files: Record<string, string>, filter: string) {
  const fs = memoryFs(files);
  const names = new Set(Object.keys(files));
  const jails = loadJails(fs, { withFilters: true });
  checkDiagnostics(jails.diagnostics, names);
  for (const jail of jails.jails) {
    for (const e of jail.ignoreip) expect(names.has(e.at.file)).toBe(true);
  }
  const def = readFilter(fs, filter, { params: new Map(), backend: "auto" });
  checkDiagnostics(def.diagnostics, names);
}

describe("fail2ban reader on mutated input", () => {
  it("reads the unmutated seed cleanly", () => {
    const r = loadJails(memoryFs(SEED), { withFilters: true });
    expect(r.diagnostics).toEqual([]);
    const demo = r.jails.find((j) => j.name === "demo");
    expect(demo?.port?.value).toBe("22,2222");
    expect(demo?.logpath.map((l) => [l.path, l.tail])).toEqual([
      ["/var/log/demo.log", false],
      ["/var/log/other.log", true],
    ]);
    expect(demo?.actions.map((a) => a.text)).toEqual([
      'iptables-multiport[port="22,2222", protocol=tcp][name=demo]',
      "mail[dest=root]",
    ]);
    expect(demo?.filterDefinition?.failregex.map((l) => l.text)).toEqual([
      "^demod:\\s+Failed for <HOST>$",
      "^Probe from <HOST>",
    ]);
  });

  it("never throws and locates every diagnostic in a file it read", () => {
    const file = fc.constantFrom(...Object.keys(SEED));
    fc.assert(
      fc.property(fc.array(fc.tuple(file, mutation), { maxLength: 6 }), (muts) => {
        const files = { ...SEED };
        for (const [name, m] of muts) files[name] = mutate(files[name] ?? "", [m]);
        checkTree(files, "demo");
      }),
      { numRuns: 300 },
    );
  });

  it("parses any text into located diagnostics", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "binary" }), (text) => {
        const f = parseIni(text, "x.conf");
        const count = text.split(/\r\n|\r|\n/).length;
        for (const d of f.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(count);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describeCorpus("fail2ban reader on mutated corpus files", () => {
  it("never throws on mutations of jail.conf, paths and sshd.conf", () => {
    const read = (p: string) => readFileSync(corpusPath("fail2ban-config", p), "utf8");
    const base: Record<string, string> = {
      "jail.conf": read("jail.conf"),
      "paths-debian.conf": read("paths-debian.conf"),
      "paths-common.conf": read("paths-common.conf"),
      "filter.d/common.conf": read("filter.d/common.conf"),
      "filter.d/sshd.conf": read("filter.d/sshd.conf"),
      "jail.d/on.local": lines("[sshd]", "enabled = true"),
    };
    const file = fc.constantFrom(...Object.keys(base));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(file, fc.array(mutation, { maxLength: 4 })), { maxLength: 3 }),
        (muts) => {
          const files = { ...base };
          for (const [name, m] of muts) files[name] = mutate(files[name] ?? "", m);
          checkTree(files, "sshd");
        },
      ),
      { numRuns: 40 },
    );
  });
});
