/**
 * Differential tests against fail2ban itself: when fail2ban's Python package is installed (Debian:
 * `apt-get install fail2ban`), every value our reader resolves is compared with what fail2ban's
 * own ConfigReaderUnshared / FilterReader / helpers give, on the corpus and on mutated trees.
 * Without it these tests are skipped, and say so. BULWARK_FAIL2BAN_PYTHON names the interpreter.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readConfig } from "../src/parsers/fail2ban/config.js";
import { readFilterValues } from "../src/parsers/fail2ban/filter.js";
import { diskFs } from "../src/parsers/fail2ban/fs.js";
import { LocStr } from "../src/parsers/fail2ban/locstr.js";
import {
  extractOptions,
  parseDuration,
  splitWithOptions,
  splitWords,
} from "../src/parsers/fail2ban/options.js";
import { corpusPath, hasCorpus } from "./support/corpus.js";

const PYTHON = process.env.BULWARK_FAIL2BAN_PYTHON ?? "/usr/bin/python3";
const PRELUDE = `import sys, json\nsys.path.insert(0, "/usr/lib/python3/dist-packages")\n`;

function hasOracle(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", `${PRELUDE}import fail2ban.client.configreader`], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}
const oracle = hasOracle();
if (!oracle) {
  process.stderr.write(
    "\n[bulwark] SKIPPED fail2ban oracle tests: fail2ban's Python package not found (apt-get install fail2ban)\n",
  );
}

const SCRIPT = `${PRELUDE}
from fail2ban.client.configreader import ConfigReaderUnshared
from fail2ban.client.filterreader import FilterReader
from fail2ban.helpers import extractOptions, splitWithOptions
from fail2ban.server.mytime import MyTime
import logging
logging.disable(logging.CRITICAL)

def config(basedir, name):
    cfg = ConfigReaderUnshared(basedir=basedir)
    try:
        cfg.read(name)
    except Exception as e:
        return {"fatal": type(e).__name__}
    values = {}
    for sec in ["DEFAULT"] + [s for s in cfg.sections() if not s.startswith("KNOWN/")]:
        opts = cfg.get_defaults().keys() if sec == "DEFAULT" else cfg.options(sec)
        for opt in opts:
            try:
                values[sec + "\\x00" + opt] = cfg.get(sec, opt)
            except Exception as e:
                values[sec + "\\x00" + opt] = None
    return {"values": values}

def filter(basedir, name, params, backend):
    fr = FilterReader(name, "jail", params, basedir=basedir)
    try:
        if not fr.read():
            return {"fatal": "read"}
        if backend is not None:
            fr.applyAutoOptions(backend)
        fr.getOptions({}, all=True)
        return {"values": {k: str(v) for k, v in fr.getCombined().items() if v is not None}}
    except Exception as e:
        return {"fatal": type(e).__name__}

def helpers(s):
    r = {}
    try:
        n, o = extractOptions(s)
        r["extract"] = [n, o]
    except Exception:
        r["extract"] = None
    r["split"] = [a.strip() for a in splitWithOptions(s)]
    try:
        v = MyTime.str2seconds(s)
        r["duration"] = v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    except Exception:
        r["duration"] = None
    return r

out = []
for q in json.load(sys.stdin):
    if q["kind"] == "config":
        out.append(config(q["basedir"], q["name"]))
    elif q["kind"] == "filter":
        out.append(filter(q["basedir"], q["name"], q["params"], q.get("backend")))
    else:
        out.append(helpers(q["text"]))
print(json.dumps(out))
`;

type Query =
  | { kind: "config"; basedir: string; name: string }
  | {
      kind: "filter";
      basedir: string;
      name: string;
      params: Record<string, string>;
      backend?: string;
    }
  | { kind: "helpers"; text: string };

// biome-ignore lint/suspicious/noExplicitAny: the oracle's JSON
function ask(queries: Query[]): any[] {
  const out = execFileSync(PYTHON, ["-c", SCRIPT], {
    input: JSON.stringify(queries),
    maxBuffer: 1 << 28,
    stdio: ["pipe", "pipe", "ignore"],
  });
  return JSON.parse(out.toString());
}

/** Compare our reading of each query with fail2ban's answer; return the differences. */
// biome-ignore lint/suspicious/noExplicitAny: the oracle's JSON
function differences(queries: Query[], answers: any[]): string[] {
  const diffs: string[] = [];
  queries.forEach((q, i) => {
    const a = answers[i];
    if (q.kind === "config") {
      const cfg = readConfig(diskFs(q.basedir), q.name);
      const errors = cfg.diagnostics.filter((d) => d.severity === "error");
      // fail2ban refuses a file exactly where we report an error
      if (Boolean(a.fatal) !== errors.length > 0) {
        diffs.push(
          `${q.basedir} ${q.name}: fail2ban ${a.fatal ?? "reads it"}, we report ${errors.length} errors`,
        );
      }
      if (a.fatal) return;
      for (const [key, value] of Object.entries(a.values as Record<string, string | null>)) {
        const [section = "", option = ""] = key.split("\0");
        const r = cfg.get(section, option, { diagnostics: [] });
        const ours = r.status === "ok" ? r.value.text : null;
        if (ours !== value)
          diffs.push(
            `${q.basedir} [${section}] ${option}: ${JSON.stringify(value)} vs ${JSON.stringify(ours)}`,
          );
      }
    } else if (q.kind === "filter") {
      const { definition, values } = readFilterValues(diskFs(q.basedir), q.name, {
        params: q.params,
        backend: q.backend,
      });
      if (a.fatal) {
        if (!definition.diagnostics.some((d) => d.severity === "error")) {
          diffs.push(`${q.basedir} filter ${q.name}: fail2ban ${a.fatal}, we report no error`);
        }
        return;
      }
      for (const key of [
        "failregex",
        "ignoreregex",
        "prefregex",
        "datepattern",
        "journalmatch",
        "mode",
        "maxlines",
      ]) {
        const theirs = a.values[key];
        const ours =
          key === "maxlines"
            ? definition.maxlines && String(definition.maxlines.value)
            : values.get(key)?.text;
        if (theirs !== ours)
          diffs.push(
            `${q.basedir} filter ${q.name} ${key}: ${JSON.stringify(theirs)} vs ${JSON.stringify(ours)}`,
          );
      }
    } else {
      const v = LocStr.of(q.text, { file: "t", line: 1 });
      const e = extractOptions(v);
      const extract = e.ok
        ? [e.name.text, Object.fromEntries([...e.options].map(([k, x]) => [k, x.text]))]
        : null;
      if (JSON.stringify(extract) !== JSON.stringify(a.extract))
        diffs.push(`extract ${JSON.stringify(q.text)}`);
      const split = splitWithOptions(v).map((p) => p.trim().text);
      if (JSON.stringify(split) !== JSON.stringify(a.split))
        diffs.push(`split ${JSON.stringify(q.text)}`);
      const d = parseDuration(q.text) ?? null;
      const same =
        d === a.duration || (d !== null && a.duration !== null && Math.abs(d - a.duration) < 1e-6);
      if (!same) diffs.push(`duration ${JSON.stringify(q.text)}: ${a.duration} vs ${d}`);
    }
  });
  return diffs;
}

const lines = (...l: string[]) => `${l.join("\n")}\n`;
const SEED: Record<string, string> = {
  "jail.conf": lines(
    "[INCLUDES]",
    "before = paths.conf",
    "after = overrides.conf",
    "[DEFAULT]",
    "ignoreip = 127.0.0.1/8 ::1",
    "mode = normal",
    "filter = %(__name__)s[mode=%(mode)s]",
    'action_ = %(banaction)s[port="%(port)s", protocol=tcp]',
    "action = %(action_)s",
    "          mail[dest=root]",
    "port = 0:65535",
    "[demo]",
    "enabled = true ; inline comment",
    "port = 22",
    "logpath = %(demo_log)s",
    "          /var/log/other.log tail",
    "action_ = %(default/action_)s[name=%(__name__)s]",
    "x = %(known/port)s %(demo/port)s %(nosuch/x)s",
  ),
  "paths.conf": lines("[DEFAULT]", "banaction = iptables", "demo_log = /var/log/%(__name__)s.log"),
  "overrides.conf": lines("[DEFAULT]", "banaction = iptables-multiport"),
  "jail.d/extra.local": lines("[demo]", "port = %(known/port)s,2222", "mode = aggressive"),
  "filter.d/common.conf": lines(
    "[INCLUDES]",
    "after = common.local",
    "[DEFAULT]",
    "_daemon = \\S+",
    "__prefix_line = <_daemon>:\\s+",
    "[lt_x]",
    "p = <_daemon>",
  ),
  "filter.d/demo.conf": lines(
    "[INCLUDES]",
    "before = common.conf",
    "[Definition]",
    "_daemon = demod",
    "failregex = ^%(__prefix_line)sFailed for <HOST>$",
    "            <mdre-<mode>> <lt_x/p> <known/_daemon>",
    "mdre-normal =",
    "mdre-aggressive = ^Probe from <HOST>",
    "ignoreregex =",
    "[Init]",
    "maxlines = 1",
  ),
  "filter.d/demo.local": lines("[Definition]", "ignoreregex = %(known/ignoreregex)s", "  x"),
};
const PIECES = [
  ..."[]=:%()s<>/#; \t\n,\"'ab1",
  "%(",
  ")s",
  "\n  ",
  "[DEFAULT]\n",
  "[Definition]\n",
  "<mode>",
  "%%",
  "known/",
  "%(port)s",
  "\n[demo]\n",
];

describe.skipIf(!oracle)("fail2ban reader agrees with fail2ban itself", () => {
  const work = mkdtempSync(join(tmpdir(), "bulwark-f2b-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const writeTree = (dir: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };

  it.skipIf(!hasCorpus)(
    "on the corpus: stock, Wazo and Issabel trees, every filter in three variants",
    () => {
      const trees: Record<string, string[]> = {
        stock: ["fail2ban-config"],
        wazo: ["fail2ban-config", "wazo/xivo-config/etc/fail2ban"],
        issabel: ["fail2ban-config", "issabel/etc/fail2ban"],
      };
      const queries: Query[] = [];
      for (const [name, layers] of Object.entries(trees)) {
        const dir = join(work, name);
        for (const layer of layers) cpSync(corpusPath(layer), dir, { recursive: true });
        queries.push({ kind: "config", basedir: dir, name: "jail" });
        for (const file of readdirSync(join(dir, "filter.d"))) {
          const filter = file.replace(/\.conf$/, "");
          queries.push({ kind: "filter", basedir: dir, name: filter, params: {} });
          queries.push({
            kind: "filter",
            basedir: dir,
            name: filter,
            params: { mode: "aggressive" },
            backend: "systemd",
          });
          queries.push({
            kind: "filter",
            basedir: dir,
            name: filter,
            params: { mode: "ddos", logtype: "rfc5424" },
          });
        }
      }
      expect(queries.length).toBeGreaterThan(50);
      expect(differences(queries, ask(queries))).toEqual([]);
    },
  );

  it("on mutated trees: same values, same refusals", () => {
    const mutation = fc.record({
      file: fc.constantFrom(...Object.keys(SEED)),
      at: fc.nat(),
      remove: fc.nat({ max: 6 }),
      insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((a) => a.join("")),
    });
    const trees = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 5 }), {
      numRuns: 400,
      seed: 42,
    });
    const queries: Query[] = [];
    trees.forEach((muts, i) => {
      const files = { ...SEED };
      for (const m of muts) {
        const text = files[m.file] ?? "";
        const at = m.at % (text.length + 1);
        files[m.file] = text.slice(0, at) + m.insert + text.slice(at + m.remove);
      }
      const dir = join(work, `mutated-${i}`);
      writeTree(dir, files);
      queries.push({ kind: "config", basedir: dir, name: "jail" });
      queries.push({ kind: "config", basedir: dir, name: "filter.d/demo" });
      queries.push({ kind: "filter", basedir: dir, name: "demo", params: {} });
      queries.push({
        kind: "filter",
        basedir: dir,
        name: "demo",
        params: { mode: "aggressive" },
        backend: "systemd",
      });
    });
    expect(differences(queries, ask(queries))).toEqual([]);
  });

  it("on option lists, action lists and durations", () => {
    const optionText = fc
      .array(fc.constantFrom(..."ab[]=,\"' \n.-_x1", "a[", "p=1", "]["), { maxLength: 14 })
      .map((a) => a.join(""));
    const durationText = fc
      .array(
        fc.constantFrom(
          ..."0123456789 +-*/().",
          "d",
          "h",
          "m",
          "s",
          "w",
          "mo",
          "y",
          "min",
          "hour",
          "days",
          "x",
        ),
        {
          maxLength: 6,
        },
      )
      .map((a) => a.join(""));
    const texts = [
      ...fc.sample(optionText, { numRuns: 3000, seed: 3 }),
      ...fc.sample(durationText, { numRuns: 2000, seed: 5 }),
    ];
    const queries: Query[] = texts.map((text) => ({ kind: "helpers", text }));
    expect(differences(queries, ask(queries))).toEqual([]);
  });
});

describe("splitWords follows fail2ban 1.1 (blanks include tabs; 1.0 split on space, comma and newline only)", () => {
  it("splits on tabs", () => {
    expect(splitWords(LocStr.of("a\tb", { file: "t", line: 1 })).map((w) => w.text)).toEqual([
      "a",
      "b",
    ]);
  });
});
