import { describe, expect, it } from "vitest";
import { parseIni } from "../src/parsers/fail2ban/ini.js";

const parse = (text: string) => parseIni(text, "t.conf");
const opt = (text: string, section: string, name: string) => {
  const f = parse(text);
  return (section === "DEFAULT" ? f.defaults : f.sections.get(section)?.options)?.get(name);
};

describe("fail2ban INI reader (configparser dialect)", () => {
  it("reads sections, '=' and ':' options, lower-cases names, keeps section case", () => {
    const f = parse(
      [
        "[DEFAULT]",
        "BanTime = 10m",
        "[sshd]",
        "port: ssh",
        "logpath=/var/log/auth.log",
        "journalmatch = _SYSTEMD_UNIT=sshd.service",
      ].join("\n"),
    );
    expect(f.diagnostics).toEqual([]);
    expect(f.defaults.get("bantime")?.value.text).toBe("10m");
    const sshd = f.sections.get("sshd");
    expect(sshd?.at).toEqual({ file: "t.conf", line: 3 });
    expect(sshd?.options.get("port")?.value.text).toBe("ssh");
    expect(sshd?.options.get("logpath")?.value.text).toBe("/var/log/auth.log");
    // the first delimiter splits
    expect(sshd?.options.get("journalmatch")?.value.text).toBe("_SYSTEMD_UNIT=sshd.service");
    expect(sshd?.options.get("port")?.at).toEqual({ file: "t.conf", line: 4 });
  });

  it("drops '#' and ';' comment lines, and ';' inline comments only after a blank", () => {
    const text = [
      "# comment",
      "; comment",
      "[j]",
      "  # indented comment",
      "a = x ; comment",
      "b = x;not a comment",
      "c = x # not a comment either",
      "d = ; all comment",
    ].join("\n");
    expect(opt(text, "j", "a")?.value.text).toBe("x");
    expect(opt(text, "j", "b")?.value.text).toBe("x;not a comment");
    expect(opt(text, "j", "c")?.value.text).toBe("x # not a comment either");
    expect(opt(text, "j", "d")?.value.text).toBe("");
    expect(parse(text).diagnostics).toEqual([]);
  });

  it("continues a value on deeper-indented lines, keeps inner empty lines, skips comments", () => {
    const text = [
      "[Definition]", // 1
      "failregex = ^one$", // 2
      "            ^two$", // 3
      "# a comment inside the value", // 4
      "", // 5
      "            ^three$   ; trailing comment", // 6
      "", // 7
      "ignoreregex =", // 8
      "    ^x$", // 9
    ].join("\n");
    const f = parse(text);
    expect(f.diagnostics).toEqual([]);
    const fr = f.sections.get("Definition")?.options.get("failregex");
    expect(fr?.value.text).toBe("^one$\n^two$\n\n^three$");
    expect(fr?.value.splitLines().map((l) => l.originAt(0).line)).toEqual([2, 3, 5, 6]);
    // the first line is empty: the value starts with a newline, as in Python
    expect(f.sections.get("Definition")?.options.get("ignoreregex")?.value.text).toBe("\n^x$");
  });

  it("continues only lines indented deeper than the option's own key", () => {
    const text = ["[j]", "  a = 1", "  b = 2", "    more", "c = 3", "\tmore c"].join("\n");
    const f = parse(text);
    expect(f.diagnostics).toEqual([]);
    const o = f.sections.get("j")?.options;
    expect(o?.get("a")?.value.text).toBe("1");
    expect(o?.get("b")?.value.text).toBe("2\nmore");
    expect(o?.get("c")?.value.text).toBe("3\nmore c");
  });

  it("treats a header from the first '[' to the last ']' and ignores the rest of the line", () => {
    const f = parse("[a]b] # x\nk = v\n");
    expect([...f.sections.keys()]).toEqual(["a]b"]);
  });

  it("reports located errors and keeps reading", () => {
    const text = [
      "orphan = 1", // 1: before any section
      "[j]", // 2
      "a = 1", // 3
      "not an option", // 4
      "= value", // 5
      "a = 2", // 6: duplicate in the same file
      "[j]", // 7: duplicate section in the same file
      "b = 3", // 8
      "[DEFAULT]", // 9
      "x = 1", // 10
      "[DEFAULT]", // 11: allowed twice
      "y = 2", // 12
    ].join("\r\n");
    const f = parse(text);
    expect(f.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ["error", 1],
      ["error", 4],
      ["error", 5],
      ["error", 6],
      ["error", 7],
    ]);
    expect(f.diagnostics.every((d) => d.file === "t.conf")).toBe(true);
    const j = f.sections.get("j")?.options;
    expect(j?.get("a")?.value.text).toBe("2");
    expect(j?.get("b")?.value.text).toBe("3");
    expect([...f.defaults.keys()]).toEqual(["x", "y"]);
  });

  it("flags a byte order mark, which Python's configparser chokes on", () => {
    const f = parse("\uFEFF[j]\na = 1\n");
    expect(f.diagnostics).toEqual([expect.objectContaining({ severity: "error", line: 1 })]);
    expect(f.sections.get("j")?.options.get("a")?.value.text).toBe("1");
  });

  it("keeps the previous option open after a bad line, like configparser", () => {
    const f = parse("[j]\na = 1\n  b\n");
    // "  b" is deeper than "a = 1": a continuation, not an error
    expect(f.diagnostics).toEqual([]);
    expect(f.sections.get("j")?.options.get("a")?.value.text).toBe("1\nb");
  });
});
