/**
 * The failure objects of the filter engine (faildata.ts) and the engine's shortcuts around them:
 * lists of lines joined without copying, one shape per filter, snapshots that later lines do not
 * change, group names that Object.prototype already answers to, and the buffer a prefregex's
 * content is searched in.
 */
import { describe, expect, it } from "vitest";
import { readFilter } from "../src/parsers/fail2ban/filter.js";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";
import { type CompileOptions, compileFilter, failData } from "../src/watch/filter/compile.js";
import { FailKind, MATCHES, MatchList, matchListOf } from "../src/watch/filter/faildata.js";
import type { TupleLine } from "../src/watch/filter/failregex.js";
import { TEST_NOW, TEST_ZONE } from "../src/watch/filter/samples.js";

const line = (s: string): TupleLine => ["", "", s];

function filter(definition: string[], opts: CompileOptions = {}) {
  const fs = memoryFs({ "filter.d/t.conf": `[Definition]\n${definition.join("\n")}\n` });
  return compileFilter(readFilter(fs, "t"), {
    timezone: TEST_ZONE,
    now: () => TEST_NOW * 1000,
    checkAllRegex: true,
    keepPending: true,
    ...opts,
  });
}

describe("MatchList", () => {
  it("joins in order without copying, and gives the lines as one array", () => {
    const a = MatchList.of([line("1"), line("2")]);
    const b = MatchList.of([line("3")]);
    const ab = a.concat(b);
    expect(ab.length).toBe(3);
    expect(ab.toArray().map((t) => t[2])).toEqual(["1", "2", "3"]);
    expect(ab.toArray()).toBe(ab.toArray());
    expect(a.toArray().map((t) => t[2])).toEqual(["1", "2"]);
    expect(MatchList.EMPTY.concat(a)).toBe(a);
    expect(a.concat(MatchList.EMPTY)).toBe(a);
  });

  it("a list joined line by line, a hundred thousand deep, is read without overflow", () => {
    let l = MatchList.EMPTY;
    for (let i = 0; i < 100_000; i++) l = l.concat(MatchList.of([line(String(i))]));
    const a = l.toArray();
    expect(a).toHaveLength(100_000);
    expect(a[99_999]?.[2]).toBe("99999");
  });

  it("other values read as the engine always read them", () => {
    expect(matchListOf(undefined).length).toBe(0);
    expect(matchListOf(null).length).toBe(0);
    expect(matchListOf([line("a")]).toArray()).toEqual([line("a")]);
    // a capture named `matches`: its text counts as its characters
    expect(matchListOf("ab").length).toBe(2);
  });
});

describe("FailKind", () => {
  it("gives every failure every key, in one order, and lists behind accessors", () => {
    const kind = new FailKind(["user", "ip4", "matches", "users"], false);
    expect(kind.keys).toEqual(["user", "ip4", "users"]);
    const build = kind.builder([["ip4", 2]]);
    const m = Object.assign(["x", "ignored", "192.0.2.1"], { index: 0, input: "x" });
    const f = build(m as unknown as RegExpExecArray);
    expect(Object.keys(f)).toEqual(["user", "ip4", "users"]);
    expect(f.ip4).toBe("192.0.2.1");
    expect(f.user).toBeUndefined();
    expect(f.matches).toBeUndefined();
    f[MATCHES] = MatchList.of([line("l1")]);
    expect((f.matches as TupleLine[]).map((t) => t[2])).toEqual(["l1"]);
    f.matches = [line("l2")];
    expect(f.matches).toEqual([line("l2")]);
  });

  it("copies are shallow and independent", () => {
    const kind = new FailKind(["a", "b"], false);
    const f = kind.builder([["a", 1]])(["", "1"] as unknown as RegExpExecArray);
    f[MATCHES] = MatchList.of([line("l")]);
    const c = kind.copy(f);
    f.a = "2";
    f[MATCHES] = MatchList.EMPTY;
    expect(c.a).toBe("1");
    expect((c.matches as TupleLine[]).length).toBe(1);
    expect(Object.getPrototypeOf(c)).toBe(Object.getPrototypeOf(f));
  });

  it("without Object.prototype when asked: such names are plain keys", () => {
    const kind = new FailKind(["toString", "constructor"], true);
    const f = kind.builder([["toString", 1]])(["", "v"] as unknown as RegExpExecArray);
    expect(f.toString).toBe("v");
    expect(f.constructor).toBeUndefined();
    expect("hasOwnProperty" in f).toBe(false);
  });
});

describe("engine with failure objects of one shape", () => {
  const sshLike = [
    "prefregex = ^\\s*<F-MLFID>\\S+ sshd\\[\\d+\\]:</F-MLFID> <F-CONTENT>.+</F-CONTENT>$",
    "failregex = ^Failed password for <F-USER>\\S+</F-USER> from <HOST>",
    "            ^<F-NOFAIL>Connection from</F-NOFAIL> <HOST>",
    "            ^<F-MLFFORGET>Disconnected</F-MLFFORGET> from <HOST>",
  ];
  const log = (n: number, text: string) => `Jan 10 12:00:0${n} host sshd[42]: ${text}`;

  it("a failure returned keeps its lines when later lines of its id come", () => {
    // as fail2ban (checked against Debian's 1.0.2): the helper's line is carried into the next
    // failure of the id; each failure is a copy (whose `users` set, as in Python, is shared)
    const f = filter(sshLike);
    const helper = f.processRaw(log(1, "Connection from 192.0.2.1 port 1"));
    expect(helper[0]?.fail.nofail).toBe("Connection from");
    const second = f.processRaw(log(2, "Failed password for root from 192.0.2.1 port 22"));
    const lines = second[0]?.fail.matches?.map((t) => t.join(""));
    expect(lines).toEqual([
      log(1, "Connection from 192.0.2.1 port 1"),
      log(2, "Failed password for root from 192.0.2.1 port 22"),
    ]);
    const third = f.processRaw(log(3, "Failed password for admin from 192.0.2.1 port 22"));
    expect(third[0]?.fail.matches).toHaveLength(1);
    expect(third[0]?.fail.user).toBe("admin");
    expect([...(third[0]?.fail.users ?? [])].sort()).toEqual(["admin", "root"]);
    // the earlier failure is unchanged
    expect(second[0]?.fail.matches?.map((t) => t.join(""))).toEqual(lines);
    expect(second[0]?.fail.user).toBe("root");
    expect(helper[0]?.fail.nofail).toBe("Connection from");
  });

  it("every failure has the same keys, those not set reading as absent", () => {
    const f = filter(sshLike);
    const a = f.processRaw(log(1, "Failed password for root from 192.0.2.1 port 22"))[0];
    const b = f.processRaw("Jan 10 12:00:05 host sshd[7]: Connection from 192.0.2.9 port 1")[0];
    expect(a && b).toBeTruthy();
    expect(Object.keys(a?.fail ?? {})).toEqual(Object.keys(b?.fail ?? {}));
    expect(failData(b?.fail ?? {})).toEqual({
      nofail: "Connection from",
      ip4: "192.0.2.9",
      mlfid: "host sshd[7]:",
    });
  });

  it("a group named like a property of Object.prototype is an ordinary capture", () => {
    const f = filter([
      "failregex = ^fail <F-CONSTRUCTOR>\\w+</F-CONSTRUCTOR> (?:<F-__PROTO__>\\w+</F-__PROTO__> )?from <HOST>$",
      "            ^other from <HOST>$",
    ]);
    const [r] = f.processRaw("fail abc from 192.0.2.1");
    expect(r?.fid).toBe("192.0.2.1");
    expect(r?.fail.constructor).toBe("abc");
    expect(Object.getOwnPropertyDescriptor(r?.fail, "__proto__")?.value).toBeUndefined();
    const [p] = f.processRaw("fail abc def from 192.0.2.3");
    expect(Object.getOwnPropertyDescriptor(p?.fail, "__proto__")?.value).toBe("def");
    const [o] = f.processRaw("other from 192.0.2.2");
    expect(o?.fail.constructor).toBeUndefined();
    expect(failData(o?.fail ?? {})).toEqual({ ip4: "192.0.2.2" });
  });

  it("content searched in place or copied, the same failures", () => {
    const atEnd = filter([
      "prefregex = ^\\S+ app: <F-CONTENT>.+</F-CONTENT>$",
      "failregex = ^bad (?P<x>\\S+) from <HOST>\\s*$",
    ]);
    // content not at the end of the prefregex's match: searched in a copy
    const notAtEnd = filter([
      "prefregex = ^\\S+ app: <F-CONTENT>.+</F-CONTENT>(?=$)x?$",
      "failregex = ^bad (?P<x>\\S+) from <HOST>\\s*$",
    ]);
    for (const text of [
      "h app: bad key from 192.0.2.1",
      "h app: bad key from 192.0.2.1  ",
      "h app: other",
    ]) {
      const a = atEnd.processRaw(text).map((r) => [r.fid, failData(r.fail), r.fail.matches]);
      const b = notAtEnd.processRaw(text).map((r) => [r.fid, failData(r.fail), r.fail.matches]);
      expect(a).toEqual(b);
    }
    expect(atEnd.processRaw("h app: bad key from 192.0.2.1  ")[0]?.fail.x).toBe("key");
  });
});
