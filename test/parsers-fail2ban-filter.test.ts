import { describe, expect, it } from "vitest";
import { readFilter } from "../src/parsers/fail2ban/filter.js";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

const fs = memoryFs({
  "filter.d/common.conf": lines(
    "[INCLUDES]", // 1
    "after = common.local", // 2
    "[DEFAULT]", // 3
    "logtype = file", // 4
    "_daemon = \\S*", // 5
    "__pid_re = (?:\\[\\d+\\])", // 6
    "__prefix_line = <lt_<logtype>/__prefix_line>", // 7
    "datepattern = <lt_<logtype>/datepattern>", // 8
    "[lt_file]", // 9
    "__prefix_line = <_daemon><__pid_re>?:\\s+", // 10
    "datepattern = {^LN-BEG}", // 11
    "[lt_journal]", // 12
    "__prefix_line = \\s*", // 13
    "datepattern = %(lt_file/datepattern)s", // 14
  ),
  "filter.d/demo.conf": lines(
    "[INCLUDES]", // 1
    "before = common.conf", // 2
    "[DEFAULT]", // 3
    "_daemon = demod", // 4
    "__suff = (?: \\[preauth\\])?\\s*", // 5
    "[Definition]", // 6
    "prefregex = ^%(__prefix_line)s<F-CONTENT>.+</F-CONTENT>$", // 7
    "cmnfailre = ^Failed password for <F-USER>\\S+</F-USER> from <HOST>%(__suff)s$", // 8
    "            ^Invalid user <F-USER>\\S+</F-USER> from <HOST>%(__suff)s$", // 9
    "mdre-normal =", // 10
    "mdre-aggressive = ^Timeout for <HOST>", // 11
    "failregex = %(cmnfailre)s", // 12
    "            <mdre-<mode>>", // 13
    "ignoreregex = ^Accepted", // 14
    "mode = normal", // 15
    "maxlines = 2", // 16
    "journalmatch = _SYSTEMD_UNIT=demo.service + _COMM=demod", // 17
    "[Init]", // 18
    "maxlines = 5", // 19
  ),
  "filter.d/demo.local": lines(
    "[Definition]",
    "ignoreregex = %(known/ignoreregex)s",
    "              ^Trusted",
  ),
  "filter.d/tagged.conf": lines("[Definition]", "failregex = ^A <HOST>$"),
  "filter.d/tagged.local": lines(
    "[Definition]",
    "failregex = <known/failregex>",
    "            ^B <HOST>$",
  ),
  "filter.d/loop.conf": lines("[Definition]", "a = <b>", "b = <a>x", "failregex = <a>"),
  "filter.d/empty.conf": lines("# nothing here"),
});

describe("fail2ban filter resolution", () => {
  it("resolves includes, interpolation and tags, one located line per regex", () => {
    const def = readFilter(fs, "demo");
    expect(def.diagnostics).toEqual([]);
    expect(def.files).toEqual([
      "filter.d/common.conf",
      "filter.d/demo.conf",
      "filter.d/demo.local",
    ]);
    expect(def.failregex).toEqual([
      {
        text: "^Failed password for <F-USER>\\S+</F-USER> from <HOST>(?: \\[preauth\\])?\\s*$",
        at: { file: "filter.d/demo.conf", line: 8 },
      },
      {
        text: "^Invalid user <F-USER>\\S+</F-USER> from <HOST>(?: \\[preauth\\])?\\s*$",
        at: { file: "filter.d/demo.conf", line: 9 },
      },
    ]);
    // the .local extends the .conf's value through %(known/...)s
    expect(def.ignoreregex).toEqual([
      { text: "^Accepted", at: { file: "filter.d/demo.conf", line: 14 } },
      { text: "^Trusted", at: { file: "filter.d/demo.local", line: 3 } },
    ]);
    expect(def.prefregex?.value).toBe("^demod(?:\\[\\d+\\])?:\\s+<F-CONTENT>.+</F-CONTENT>$");
    expect(def.prefregex?.at).toEqual({ file: "filter.d/demo.conf", line: 7 });
    // where the characters come from, in order: `^` (demo:7), `demod` (demo:4), the pid (common:6)...
    expect(def.prefregex?.sources).toEqual([
      { file: "filter.d/demo.conf", line: 7 },
      { file: "filter.d/demo.conf", line: 4 },
      { file: "filter.d/common.conf", line: 6 },
      { file: "filter.d/common.conf", line: 10 },
    ]);
    expect(def.datepattern?.value).toBe("{^LN-BEG}");
    // [Init] overrides [Definition]
    expect(def.maxlines?.value).toBe(5);
    expect(def.maxlines?.at).toEqual({ file: "filter.d/demo.conf", line: 19 });
    expect(def.options.get("known/maxlines")?.value).toBe("5");
    expect(def.journalmatch.map((l) => l.text)).toEqual([
      "_SYSTEMD_UNIT=demo.service + _COMM=demod",
    ]);
    expect(def.mode?.value).toBe("normal");
  });

  it("applies the jail's parameters and backend", () => {
    const def = readFilter(fs, "demo", { params: { mode: "aggressive" }, backend: "systemd" });
    expect(def.diagnostics).toEqual([]);
    expect(def.mode?.value).toBe("aggressive");
    expect(def.failregex.map((l) => l.text).at(-1)).toBe("^Timeout for <HOST>");
    expect(def.failregex.at(-1)?.at).toEqual({ file: "filter.d/demo.conf", line: 11 });
    // backend = systemd means logtype = journal
    expect(def.logtype?.value).toBe("journal");
    expect(def.prefregex?.value).toBe("^\\s*<F-CONTENT>.+</F-CONTENT>$");
    expect(def.datepattern?.value).toBe("{^LN-BEG}");
  });

  it("resolves <known/option> tags to the value a .local overrides", () => {
    const def = readFilter(fs, "tagged");
    expect(def.diagnostics).toEqual([]);
    expect(def.failregex).toEqual([
      { text: "^A <HOST>$", at: { file: "filter.d/tagged.conf", line: 2 } },
      { text: "^B <HOST>$", at: { file: "filter.d/tagged.local", line: 3 } },
    ]);
  });

  it("reports tags that refer back to themselves", () => {
    const def = readFilter(fs, "loop");
    expect(def.diagnostics.filter((d) => d.severity === "error")).toEqual([
      expect.objectContaining({
        file: "filter.d/loop.conf",
        line: 3,
        message: expect.stringContaining("tag <a>"),
      }),
    ]);
  });

  it("reports missing filters and filters without [Definition]", () => {
    expect(readFilter(fs, "nope").diagnostics).toEqual([
      expect.objectContaining({ severity: "error", file: "filter.d/nope.conf", line: 0 }),
    ]);
    expect(readFilter(fs, "empty").diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "filter.d/empty.conf",
        line: 1,
        message: expect.stringContaining("[Definition]"),
      }),
      expect.objectContaining({
        severity: "info",
        message: expect.stringContaining("no failregex"),
      }),
    ]);
  });
});
