import { describe, expect, it } from "vitest";
import { parseUci } from "../src/parsers/uci/parse.js";
import { findSection, list, str, uciGet } from "../src/parsers/uci/query.js";

const parse = (text: string) => parseUci(text, { packageName: "test", file: "test" });

describe("UCI parser", () => {
  it("reads named and anonymous sections, options and lists", () => {
    const { packages, diagnostics } = parse(`
# comment
config dropbear
\toption PasswordAuth 'on'
\toption Port         '22'

config zone 'lan'
\tlist network 'lan'
\tlist network "lan6"
\toption input ACCEPT # trailing comment
`);
    expect(diagnostics).toEqual([]);
    const pkg = packages[0];
    expect(pkg?.sections.map((s) => s.ref)).toEqual(["@dropbear[0]", "lan"]);
    const lan = pkg && findSection(pkg, "lan");
    expect(lan && list(lan, "network")).toEqual(["lan", "lan6"]);
    expect(lan && str(lan, "input")).toBe("ACCEPT");
    expect(uciGet(packages, "test.@dropbear[0].Port")).toBe("22");
    expect(uciGet(packages, "test.@dropbear[-1].PasswordAuth")).toBe("on");
    expect(lan?.options.get("network")?.lines).toEqual([8, 9]);
  });

  it("handles quoting, escapes, concatenation and continuation like libuci", () => {
    const { packages, diagnostics } = parse(
      [
        `config t 'n'`,
        `\toption a 'single "x" \\n'`,
        `\toption b "dq \\"y\\" \\\\ z"`,
        `\toption c pre'mid'"post"`,
        `\toption d bare\\ word`,
        `\toption e 'multi`,
        `line'`,
        `\toption f long\\`,
        `continued`,
        `\toption g ''`,
      ].join("\n"),
    );
    expect(diagnostics).toEqual([]);
    const s = packages[0]?.sections[0];
    if (!s) throw new Error("no section");
    expect(str(s, "a")).toBe('single "x" \\n');
    expect(str(s, "b")).toBe('dq "y" \\ z');
    expect(str(s, "c")).toBe("premidpost");
    expect(str(s, "d")).toBe("bare word");
    expect(str(s, "e")).toBe("multi\nline");
    expect(str(s, "f")).toBe("longcontinued");
    expect(str(s, "g")).toBe("");
    expect(s.options.get("f")?.lines).toEqual([8]);
  });

  it("counts anonymous sections per type for @type[n] addressing", () => {
    const { packages } = parse("config rule\nconfig zone\nconfig rule\nconfig rule 'named'\n");
    expect(packages[0]?.sections.map((s) => s.ref)).toEqual([
      "@rule[0]",
      "@zone[0]",
      "@rule[1]",
      "named",
    ]);
    const pkg = packages[0];
    expect(pkg && findSection(pkg, "@rule[2]")?.name).toBe("named");
  });

  it("warns on Teltonika build placeholders and keeps parsing", () => {
    const { packages, diagnostics } = parse(
      "config zone '3'\n\toption name 'wan'\n\t%%WAN_NETWORK%%\n\toption masq '1'\n",
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", line: 3, column: 2 }),
    ]);
    expect(packages[0]?.sections[0]?.options.get("masq")?.values).toEqual(["1"]);
  });

  it("locates errors by line and column and recovers on the next line", () => {
    const { packages, diagnostics } = parse(
      "option early 'x'\nconfig t\n\toption bad-name 'v'\n\tbogus stuff\n\toption ok 'yes'\n\toption a b c\n",
    );
    expect(diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([
      ["error", 1, 1],
      ["error", 3, 9],
      ["error", 4, 2],
      ["error", 6, 13],
    ]);
    expect(packages[0]?.sections[0]?.options.get("ok")?.values).toEqual(["yes"]);
  });

  it("reports an unterminated quote at the line where it opened", () => {
    const { diagnostics } = parse("config t\n\toption a 'open\n\toption b 'x'\n");
    // The quote opened on line 2 closes on line 3 ('x' becomes data), then `'` never closes.
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toMatch(/unterminated/);
    expect(diagnostics[0]?.line).toBe(3);
  });

  it("turns an option into a list when list entries of the same name follow", () => {
    const { packages } = parse("config t\n\toption x 'a'\n\tlist x 'b'\n");
    expect(packages[0]?.sections[0]?.options.get("x")).toMatchObject({
      kind: "list",
      values: ["a", "b"],
    });
  });

  it("honours a package line and starts a new package on a second one", () => {
    const { packages } = parse("package one\nconfig a\npackage two\nconfig b\n");
    expect(packages.map((p) => [p.name, p.sections.length])).toEqual([
      ["one", 1],
      ["two", 1],
    ]);
  });
});
