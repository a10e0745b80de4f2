// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan uses ${VAR} literally
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/facts/model.js";
import {
  type AsteriskConfig,
  type ConfigSource,
  diskSource,
  expandGlob,
  get,
  getAll,
  getAllEntries,
  getEntry,
  hasErrors,
  memorySource,
  mountedSource,
  parseAsteriskConfig,
  parseAsteriskText,
  sectionsNamed,
  sectionsWhere,
} from "../src/parsers/asterisk/index.js";

const FILE = "etc/asterisk/test.conf";
const parse = (text: string) => parseAsteriskText(text, FILE);
const lines = (...l: string[]) => `${l.join("\n")}\n`;

/** Parses `etc/asterisk/<top>` from in-memory files given relative to etc/asterisk. */
function parseTree(files: Record<string, string>, top = "test.conf"): AsteriskConfig {
  const tree: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    tree[name.startsWith("/") ? name : `etc/asterisk/${name}`] = text;
  }
  return parseAsteriskConfig(memorySource(tree), `etc/asterisk/${top}`);
}

function only(config: AsteriskConfig, name: string) {
  const found = sectionsNamed(config, name, { templates: true });
  expect(found).toHaveLength(1);
  return found[0] as NonNullable<(typeof found)[0]>;
}

const codes = (config: AsteriskConfig) =>
  config.diagnostics.map((d) => `${d.severity}:${d.code}@${d.file}:${d.line}`);

describe("Asterisk parser: sections and options", () => {
  it("reads `key = value` and `key => value` with trimming, provenance and '=' in values", () => {
    const c = parse(
      lines(
        "[general]",
        "  bindaddr   =   0.0.0.0  ",
        "\tsecret=a=b==c",
        "",
        "[default]",
        "exten => 100,1,Dial(PJSIP/${EXTEN},30,tT)",
        "same=>n,Hangup()",
        "empty =",
      ),
    );
    expect(c.diagnostics).toEqual([]);
    expect(c.files).toEqual([FILE]);
    const general = only(c, "general");
    expect(general).toMatchObject({ name: "general", file: FILE, line: 1, isTemplate: false });
    expect(general.entries).toEqual([
      {
        key: "bindaddr",
        value: "0.0.0.0",
        file: FILE,
        line: 2,
        objectSyntax: false,
        inherited: false,
      },
      {
        key: "secret",
        value: "a=b==c",
        file: FILE,
        line: 3,
        objectSyntax: false,
        inherited: false,
      },
    ]);
    const ctx = only(c, "default");
    expect(ctx.entries.map((e) => [e.key, e.value, e.objectSyntax, e.line])).toEqual([
      ["exten", "100,1,Dial(PJSIP/${EXTEN},30,tT)", true, 6],
      ["same", "n,Hangup()", true, 7],
      ["empty", "", false, 8],
    ]);
  });

  it("compares names case-insensitively; for single values the last entry wins", () => {
    const c = parse(lines("[Peer]", "Allow=ulaw", "allow = alaw", "context=a", "CONTEXT=b"));
    const [peer] = sectionsNamed(c, "peer");
    if (!peer) throw new Error("no section");
    expect(get(peer, "context")).toBe("b");
    expect(getEntry(peer, "Context")?.line).toBe(5);
    expect(getAll(peer, "allow")).toEqual(["ulaw", "alaw"]);
    expect(getAllEntries(peer, "ALLOW").map((e) => e.line)).toEqual([2, 3]);
    expect(get(peer, "missing")).toBeUndefined();
  });

  it("keeps sections that share a name apart (pjsip endpoint/auth/aor, chan_sip)", () => {
    const c = parse(
      lines(
        "[1001]",
        "type=endpoint",
        "auth=1001",
        "[1001]",
        "type=auth",
        "password=x",
        "[1001]",
        "type=aor",
        "[1002]",
        "type=endpoint",
      ),
    );
    expect(sectionsNamed(c, "1001").map((s) => get(s, "type"))).toEqual([
      "endpoint",
      "auth",
      "aor",
    ]);
    expect(sectionsWhere(c, "type", "endpoint").map((s) => `${s.name}@${s.line}`)).toEqual([
      "1001@1",
      "1002@9",
    ]);
    expect(sectionsWhere(c, "type", (v) => v !== "endpoint").map((s) => s.line)).toEqual([4, 7]);
  });

  it("keeps names exactly as Asterisk does: blanks inside brackets belong to the name", () => {
    const c = parse(lines("[ general ] trailing text is ignored", "a=1"));
    expect(c.sections.map((s) => s.name)).toEqual([" general "]);
    expect(sectionsNamed(c, "general")).toEqual([]);
  });

  it("appends with `key += more` to the last value of that key, keeping its origin", () => {
    const c = parse(lines("[g]", "path = /a", "path += :/b", "other += x"));
    const g = only(c, "g");
    expect(g.entries).toEqual([
      {
        key: "path",
        value: "/a :/b",
        file: FILE,
        line: 2,
        objectSyntax: false,
        inherited: false,
        appended: [{ file: FILE, line: 3 }],
      },
      { key: "other", value: "x", file: FILE, line: 4, objectSyntax: false, inherited: false },
    ]);
  });

  it("lets a leading backslash escape the first character of a name", () => {
    const c = parse(lines("[g]", "\\[odd] = 1", "\\=x = 2"));
    expect(only(c, "g").entries.map((e) => [e.key, e.value])).toEqual([
      ["[odd]", "1"],
      ["=x", "2"],
    ]);
  });
});

describe("Asterisk parser: templates and inheritance", () => {
  const text = lines(
    "[base](!)", // 1
    "context=from-base", // 2
    "dtmfmode=rfc2833", // 3
    "[codecs](!)", // 4
    "disallow=all", // 5
    "allow=ulaw", // 6
    "[natted](!,base)", // 7
    "nat=force_rport,comedia", // 8
    "[phone](natted,codecs)", // 9
    "context=from-phone", // 10
  );

  it("copies template entries in, template by template, before the section's own", () => {
    const c = parse(text);
    expect(c.diagnostics).toEqual([]);
    const phone = only(c, "phone");
    expect(phone.templates).toEqual(["natted", "codecs"]);
    expect(phone.isTemplate).toBe(false);
    expect(
      phone.entries.map(
        (e) => `${e.key}=${e.value}@${e.line}${e.inherited ? `<${e.inheritedFrom}` : ""}`,
      ),
    ).toEqual([
      "context=from-base@2<natted",
      "dtmfmode=rfc2833@3<natted",
      "nat=force_rport,comedia@8<natted",
      "disallow=all@5<codecs",
      "allow=ulaw@6<codecs",
      "context=from-phone@10",
    ]);
    // The section's own line overrides the inherited one; provenance points at the template.
    expect(get(phone, "context")).toBe("from-phone");
    expect(getEntry(phone, "dtmfmode")).toMatchObject({ file: FILE, line: 3, inherited: true });
  });

  it("marks templates and hides them from the section finders unless asked", () => {
    const c = parse(text);
    expect(c.sections.filter((s) => s.isTemplate).map((s) => s.name)).toEqual([
      "base",
      "codecs",
      "natted",
    ]);
    expect(only(c, "natted").templates).toEqual(["base"]);
    expect(sectionsNamed(c, "base")).toEqual([]);
    expect(sectionsNamed(c, "base", { templates: true })).toHaveLength(1);
    expect(sectionsWhere(c, "dtmfmode", "rfc2833").map((s) => s.name)).toEqual(["phone"]);
    expect(sectionsWhere(c, "dtmfmode", "rfc2833", { templates: true })).toHaveLength(3);
  });

  it("copies a template as it is at the point of use, looked up case-insensitively", () => {
    const c = parse(
      lines("[T](!)", "a=1", "[early](t)", "[t](+)", "b=2", "[T](!)", "c=3", "[late](t)"),
    );
    // `[t](+)` cannot add to a template, and the second [T] never shadows the first.
    expect(only(c, "early").entries.map((e) => e.key)).toEqual(["a"]);
    expect(only(c, "late").entries.map((e) => e.key)).toEqual(["a"]);
    expect(codes(c)).toEqual([`error:unknown-addition-target@${FILE}:4`]);
  });

  it("reports a template that is missing, or only defined later, at the header", () => {
    const c = parse(lines("[a](nope)", "x=1", "[b](later)", "[later](!)"));
    expect(codes(c)).toEqual([
      `error:unknown-template@${FILE}:1`,
      `error:unknown-template@${FILE}:3`,
    ]);
    expect(c.diagnostics[0]?.message).toContain("'nope'");
    // The sections are still there with their own entries.
    expect(only(c, "a").entries.map((e) => e.key)).toEqual(["x"]);
    expect(only(c, "a").templates).toEqual([]);
  });

  it("does not trim template names: `(!, base)` asks for ' base'", () => {
    const c = parse(lines("[base](!)", "a=1", "[x](!, base)"));
    expect(codes(c)).toEqual([`error:unknown-template@${FILE}:3`]);
    expect(c.diagnostics[0]?.message).toContain("' base'");
    expect(only(c, "x").isTemplate).toBe(true);
  });
});

describe("Asterisk parser: (+) additions", () => {
  it("adds to the first earlier section of that name, from any file", () => {
    const c = parseTree({
      "test.conf": lines(
        "[general]",
        "a=1",
        "[other]",
        "#include extra.conf",
        "[general](+)",
        "c=3",
      ),
      "extra.conf": lines("[general](+)", "b=2"),
    });
    expect(c.diagnostics).toEqual([]);
    expect(c.sections.map((s) => s.name)).toEqual(["general", "other"]);
    const g = only(c, "general");
    expect(g.entries.map((e) => `${e.key}@${e.file}:${e.line}`)).toEqual([
      "a@etc/asterisk/test.conf:2",
      "b@etc/asterisk/extra.conf:2",
      "c@etc/asterisk/test.conf:6",
    ]);
    expect(g.additions).toEqual([
      { file: "etc/asterisk/extra.conf", line: 1 },
      { file: "etc/asterisk/test.conf", line: 5 },
    ]);
  });

  it("chooses among same-named sections with a `+name=regex` filter", () => {
    const c = parse(
      lines("[1001]", "type=endpoint", "[1001]", "type=aor", "[1001](+type=aor)", "max_contacts=5"),
    );
    expect(c.diagnostics).toEqual([]);
    expect(sectionsNamed(c, "1001").map((s) => s.entries.map((e) => e.key).join(","))).toEqual([
      "type",
      "type,max_contacts",
    ]);
  });

  it("reports an addition to a section that does not exist yet, and keeps the lines", () => {
    const c = parse(lines("[g](+)", "a=1"));
    expect(codes(c)).toEqual([`error:unknown-addition-target@${FILE}:1`]);
    expect(hasErrors(c)).toBe(true);
    expect(only(c, "g").entries.map((e) => e.key)).toEqual(["a"]);
  });
});

describe("Asterisk parser: comments and escapes", () => {
  it("strips `;` comments, keeps `\\;` as a literal semicolon and `;---` rulers as comments", () => {
    const c = parse(
      lines(
        ";---------------------------------- a ruler, not a block comment",
        "[general] ; a comment",
        "a = value ; comment",
        "b = sip:x@y\\;lr ; uri with an escaped semicolon",
        "c = ${REPLACE(X,\\;,\\,)}",
        ";d = commented out",
      ),
    );
    expect(c.diagnostics).toEqual([]);
    expect(only(c, "general").entries.map((e) => [e.key, e.value])).toEqual([
      ["a", "value"],
      ["b", "sip:x@y;lr"],
      ["c", "${REPLACE(X,;,\\,)}"],
    ]);
  });

  it("skips `;-- --;` block comments across lines, joining text around them", () => {
    const c = parse(
      lines(
        "[general]", // 1
        ";--", // 2
        "hidden = 1", // 3
        "  ;-- nested --; still = hidden", // 4
        "--;", // 5
        "a = 1;-- inline --;2", // 6
        "b = x ;-- opens", // 7
        "hidden = 2", // 8
        "closes --; tail = kept", // 9
      ),
    );
    expect(c.diagnostics).toEqual([]);
    expect(only(c, "general").entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ["a", "12", 6],
      ["b", "x", 7],
      ["tail", "kept", 9],
    ]);
  });

  it("reports an unterminated block comment where it opened; the rest is ignored", () => {
    const c = parse(lines("[g]", "a=1", ";-- never closed", "b=2"));
    expect(codes(c)).toEqual([`warning:unterminated-comment@${FILE}:3`]);
    expect(only(c, "g").entries.map((e) => e.key)).toEqual(["a"]);
  });

  it("follows Asterisk on a stray `--;`: the lines after it count as commented out", () => {
    const c = parse(lines("[g]", "a = 1 --; b", "c = 2", ";-- back to zero", "d = 3"));
    expect(codes(c)).toEqual([`warning:stray-comment-end@${FILE}:2`]);
    expect(only(c, "g").entries.map((e) => [e.key, e.value])).toEqual([
      ["a", "1 --; b"],
      ["d", "3"],
    ]);
  });
});

describe("Asterisk parser: #include, #tryinclude, #exec", () => {
  it("resolves relative includes against the config directory, not the including file", () => {
    const c = parseTree({
      "test.conf": lines("[general]", "#include sub/a.conf"),
      "sub/a.conf": lines('#include "b.conf"'),
      "b.conf": lines("from_b = yes"),
      "sub/b.conf": lines("wrong = yes"),
    });
    expect(c.diagnostics).toEqual([]);
    expect(c.files).toEqual([
      "etc/asterisk/test.conf",
      "etc/asterisk/sub/a.conf",
      "etc/asterisk/b.conf",
    ]);
    expect(only(c, "general").entries).toEqual([
      expect.objectContaining({ key: "from_b", file: "etc/asterisk/b.conf", line: 1 }),
    ]);
    expect(c.includes.map((i) => [i.kind, i.target, i.file, i.line, i.files])).toEqual([
      ["include", "sub/a.conf", "etc/asterisk/test.conf", 2, ["etc/asterisk/sub/a.conf"]],
      ["include", "b.conf", "etc/asterisk/sub/a.conf", 1, ["etc/asterisk/b.conf"]],
    ]);
  });

  it("expands globs in sorted order, skipping dot-files, with braces and absolute paths", () => {
    const c = parseTree({
      "test.conf": lines("#include pjsip.d/*.conf", "#include /usr/share/lib/{z,a}.conf"),
      "pjsip.d/10-b.conf": lines("[b]"),
      "pjsip.d/02-a.conf": lines("[a]"),
      "pjsip.d/.hidden.conf": lines("[hidden]"),
      "pjsip.d/notes.txt": lines("[txt]"),
      "/usr/share/lib/a.conf": lines("[lib-a]"),
      "/usr/share/lib/z.conf": lines("[lib-z]"),
    });
    expect(c.diagnostics).toEqual([]);
    expect(c.sections.map((s) => s.name)).toEqual(["a", "b", "lib-z", "lib-a"]);
    expect(c.includes[1]?.files).toEqual(["usr/share/lib/z.conf", "usr/share/lib/a.conf"]);
  });

  it("reports a missing #include at the directive, and is silent for #tryinclude", () => {
    const c = parseTree({
      "test.conf": lines(
        "[g]",
        "#tryinclude maybe.conf",
        "#include missing.conf",
        "#include empty.d/*.conf",
        "#tryinclude empty.d/*.conf",
        "a=1",
      ),
    });
    expect(codes(c)).toEqual([
      `error:include-missing@${FILE}:3`,
      `error:include-missing@${FILE}:4`,
    ]);
    expect(c.diagnostics[0]?.message).toContain("etc/asterisk/missing.conf");
    expect(only(c, "g").entries.map((e) => e.key)).toEqual(["a"]);
    expect(c.includes.map((i) => i.files.length)).toEqual([0, 0, 0, 0]);
  });

  it("detects include cycles, including a file that includes itself", () => {
    const c = parseTree({
      "test.conf": lines("[g]", "#include a.conf", "#include test.conf", "z=1"),
      "a.conf": lines("a=1", "#include b.conf"),
      "b.conf": lines("b=1", "#include a.conf"),
    });
    expect(codes(c)).toEqual([
      "error:include-cycle@etc/asterisk/b.conf:2",
      `error:include-cycle@${FILE}:3`,
    ]);
    expect(c.diagnostics[0]?.message).toContain(
      "etc/asterisk/a.conf -> etc/asterisk/b.conf -> etc/asterisk/a.conf",
    );
    expect(only(c, "g").entries.map((e) => e.key)).toEqual(["a", "b", "z"]);
  });

  it("stops at Asterisk's include depth of 10", () => {
    const files: Record<string, string> = { "test.conf": lines("[g]", "#include 1.conf") };
    for (let i = 1; i <= 12; i++) files[`${i}.conf`] = lines(`v${i}=1`, `#include ${i + 1}.conf`);
    const c = parseTree(files);
    expect(codes(c)).toEqual(["error:include-depth@etc/asterisk/9.conf:2"]);
    expect(only(c, "g").entries).toHaveLength(9);
  });

  it("continues an included file in the current section, and the includer in its own", () => {
    const c = parseTree({
      "test.conf": lines("[a]", "#include x.conf", "back_in_a=1", "#include y.conf"),
      "x.conf": lines("into_a=1", "[b]", "into_b=1"),
      "y.conf": lines("into_b_again=1"),
    });
    expect(c.diagnostics).toEqual([]);
    expect(only(c, "a").entries.map((e) => e.key)).toEqual(["into_a", "back_in_a"]);
    // y.conf starts in the section created last overall, as in Asterisk.
    expect(only(c, "b").entries.map((e) => e.key)).toEqual(["into_b", "into_b_again"]);
  });

  it("reads the files of one glob as one stream (section and open comments carry over)", () => {
    const c = parseTree({
      "test.conf": lines("#include d/*.conf", "[after]", "x=1"),
      "d/1.conf": lines("[s]", "a=1", ";-- opened here"),
      "d/2.conf": lines("swallowed=1", "--;", "b=2"),
    });
    expect(codes(c)).toEqual([]);
    expect(only(c, "s").entries.map((e) => e.key)).toEqual(["a", "b"]);
    expect(only(c, "after").entries.map((e) => e.key)).toEqual(["x"]);
  });

  it("records #exec without running it: its output is unknown", () => {
    const marker = join(tmpdir(), `bulwark-exec-${process.pid}-${Date.now()}`);
    const c = parse(lines("[g]", `#exec "/usr/bin/touch ${marker}"`, "#EXEC /bin/gen --x", "a=1"));
    expect(existsSync(marker)).toBe(false);
    expect(c.diagnostics).toEqual([]);
    expect(c.execs).toEqual([
      { file: FILE, line: 2, command: `/usr/bin/touch ${marker}` },
      { file: FILE, line: 3, command: "/bin/gen --x" },
    ]);
    expect(c.includes).toEqual([]);
    expect(only(c, "g").entries.map((e) => e.key)).toEqual(["a"]);
  });
});

describe("Asterisk parser: located diagnostics, never throwing", () => {
  it("reports each problem at its line and keeps going", () => {
    const c = parse(
      lines(
        "orphan = 1", // 1: before any section
        "[broken", // 2
        "[ok]", // 3
        "no equals sign", // 4
        "= no name", // 5
        "#frobnicate x", // 6
        "#include", // 7
        "\\ x = 1", // 8
        "[paren](!", // 9
        "good = yes", // 10
      ),
    );
    expect(codes(c)).toEqual([
      `error:no-section@${FILE}:1`,
      `error:no-closing-bracket@${FILE}:2`,
      `warning:no-equals@${FILE}:4`,
      `warning:no-name@${FILE}:5`,
      `warning:unknown-directive@${FILE}:6`,
      `warning:directive-argument@${FILE}:7`,
      `error:invalid-escape@${FILE}:8`,
      `error:no-closing-paren@${FILE}:9`,
    ]);
    // The project-wide diagnostic type accepts these as they are.
    const forFacts: Diagnostic[] = c.diagnostics;
    expect(forFacts.every((d) => d.file === FILE && typeof d.line === "number")).toBe(true);
    expect(c.sections.map((s) => [s.name, s.isTemplate, s.entries.map((e) => e.key)])).toEqual([
      ["ok", false, []],
      ["paren", true, ["good"]],
    ]);
  });

  it("flags what Asterisk silently alters: long lines, long names, a byte-order mark", () => {
    const c = parse(`\uFEFF[g]\nok=1\nlong=${"x".repeat(9000)}\n[${"n".repeat(100)}]\n`);
    // With the mark in front, line 1 is not a section header for Asterisk.
    expect(codes(c)).toEqual([
      `warning:byte-order-mark@${FILE}:1`,
      `error:no-section@${FILE}:1`,
      `error:no-section@${FILE}:2`,
      `warning:line-too-long@${FILE}:3`,
      `warning:name-truncated@${FILE}:4`,
    ]);
    expect(c.sections.map((s) => s.name)).toEqual(["n".repeat(79)]);
  });

  it("reports a missing top-level file, and an unreadable include without stopping", () => {
    expect(parseAsteriskConfig(memorySource({}), "etc/asterisk/none.conf").diagnostics).toEqual([
      {
        severity: "error",
        code: "not-found",
        file: "etc/asterisk/none.conf",
        message: "etc/asterisk/none.conf: no such file",
      },
    ]);
    const inner = memorySource({
      "etc/asterisk/test.conf": lines("#include d/*.conf"),
      "etc/asterisk/d/1.conf": lines("[one]"),
      "etc/asterisk/d/2.conf": lines("[two]"),
      "etc/asterisk/d/3.conf": lines("[three]"),
    });
    const flaky: ConfigSource = {
      read: (p) => {
        if (p.endsWith("2.conf")) throw new Error("EACCES: permission denied");
        return inner.read(p);
      },
      list: (d) => inner.list(d),
    };
    const c = parseAsteriskConfig(flaky, FILE);
    expect(codes(c)).toEqual([`error:unreadable@${FILE}:1`]);
    expect(c.diagnostics[0]?.message).toContain("permission denied");
    expect(c.sections.map((s) => s.name)).toEqual(["one", "three"]);
  });
});

describe("Asterisk parser: sources and globbing", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-asterisk-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a directory on disk; a glob that matches a directory warns", () => {
    mkdirSync(join(dir, "etc/asterisk/extensions.d/subdir"), { recursive: true });
    writeFileSync(join(dir, "etc/asterisk/extensions.conf"), lines("#include extensions.d/*"));
    writeFileSync(join(dir, "etc/asterisk/extensions.d/a.conf"), lines("[a]", "exten => s,1,NoOp"));
    const source = diskSource(dir);
    expect(source.read("etc/asterisk")).toBeUndefined();
    expect(source.read("etc/asterisk/nothing")).toBeUndefined();
    expect(source.read("../../etc/passwd")).toBeUndefined();
    expect(source.list("etc/asterisk/extensions.d").sort()).toEqual(["a.conf", "subdir"]);
    const c = parseAsteriskConfig(source, "/etc/asterisk/extensions.conf");
    expect(c.file).toBe("etc/asterisk/extensions.conf");
    expect(codes(c)).toEqual(["warning:not-regular-file@etc/asterisk/extensions.conf:1"]);
    expect(only(c, "a").entries[0]).toMatchObject({ key: "exten", objectSyntax: true });
  });

  it("follows symbolic links only while they stay below the root", () => {
    const outside = mkdtempSync(join(tmpdir(), "bulwark-outside-"));
    try {
      writeFileSync(join(outside, "secret.conf"), lines("[leak]"));
      mkdirSync(join(dir, "etc/asterisk/links"), { recursive: true });
      writeFileSync(join(dir, "etc/asterisk/links/real.conf"), lines("[real]"));
      symlinkSync(join(outside, "secret.conf"), join(dir, "etc/asterisk/links/out.conf"));
      symlinkSync(outside, join(dir, "etc/asterisk/links/outdir"));
      symlinkSync("real.conf", join(dir, "etc/asterisk/links/in.conf"));
      const source = diskSource(dir);
      expect(source.read("etc/asterisk/links/out.conf")).toBeUndefined();
      expect(source.list("etc/asterisk/links/outdir")).toEqual([]);
      expect(source.read("etc/asterisk/links/in.conf")).toBe(lines("[real]"));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("mounts sources at paths, the longest mount point winning", () => {
    const source = mountedSource({
      "": memorySource({ "etc/asterisk/x.conf": "root", "usr/share/lib/shadowed": "root" }),
      "usr/share/lib": memorySource({ "a.conf": "lib" }),
    });
    expect(source.read("etc/asterisk/x.conf")).toBe("root");
    expect(source.read("usr/share/lib/a.conf")).toBe("lib");
    expect(source.read("usr/share/lib/shadowed")).toBeUndefined();
    expect(source.list("usr/share").sort()).toEqual(["lib"]);
    expect(source.list("")).toEqual(expect.arrayContaining(["etc", "usr"]));
  });

  it("globs like glob(3) with GLOB_BRACE and GLOB_NOMAGIC", () => {
    const source = memorySource({
      "d/a1.conf": "",
      "d/a2.conf": "",
      "d/b1.conf": "",
      "d/B.conf": "",
      "d/.x.conf": "",
      "d/sub/c.conf": "",
      "d/sub2/c.conf": "",
    });
    const g = (p: string) => expandGlob(source, p).paths;
    expect(g("d/*.conf")).toEqual(["d/B.conf", "d/a1.conf", "d/a2.conf", "d/b1.conf"]);
    expect(g("d/a?.conf")).toEqual(["d/a1.conf", "d/a2.conf"]);
    expect(g("d/[ab]1.conf")).toEqual(["d/a1.conf", "d/b1.conf"]);
    expect(g("d/[!a]*.conf")).toEqual(["d/B.conf", "d/b1.conf"]);
    expect(g("d/{b,a}1.conf")).toEqual(["d/b1.conf", "d/a1.conf"]);
    expect(g("d/.*.conf")).toEqual(["d/.x.conf"]);
    expect(g("d/*/c.conf")).toEqual(["d/sub/c.conf", "d/sub2/c.conf"]);
    expect(g("d/\\*.conf")).toEqual(["d/*.conf"]);
    expect(expandGlob(source, "d/none.conf")).toEqual({ paths: ["d/none.conf"], magic: false });
    expect(expandGlob(source, "d/none*.conf")).toEqual({ paths: [], magic: true });
    expect(g("d/{a,b")).toEqual(["d/{a,b"]);
  });
});
