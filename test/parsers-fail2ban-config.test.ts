import { describe, expect, it } from "vitest";
import { readConfig, readConfigFiles } from "../src/parsers/fail2ban/config.js";
import { memoryFs } from "../src/parsers/fail2ban/fs.js";
import type { Fail2banDiagnostic } from "../src/parsers/fail2ban/types.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

function value(cfg: ReturnType<typeof readConfig>, section: string, option: string) {
  const diagnostics: Fail2banDiagnostic[] = [];
  const r = cfg.get(section, option, { diagnostics });
  return { r, text: r.status === "ok" ? r.value.text : undefined, diagnostics };
}

describe("fail2ban configuration layering and includes", () => {
  it("reads X.conf, X.d/*.conf, X.local, X.d/*.local in that order", () => {
    const fs = memoryFs({
      "jail.conf": lines("[DEFAULT]", "bantime = 1", "[sshd]", "port = ssh"),
      "jail.d/b.conf": lines("[DEFAULT]", "bantime = 2"),
      "jail.d/a.conf": lines("[DEFAULT]", "bantime = 3", "findtime = 3"),
      "jail.d/.hidden.conf": lines("[DEFAULT]", "bantime = hidden"),
      "jail.local": lines("[DEFAULT]", "bantime = 4", "[sshd]", "port = 2222"),
      "jail.d/z.local": lines("[DEFAULT]", "bantime = 5"),
      "jail.d/notes.txt": "not read",
    });
    const cfg = readConfig(fs, "jail");
    expect(cfg.files).toEqual([
      "jail.conf",
      "jail.d/a.conf",
      "jail.d/b.conf",
      "jail.local",
      "jail.d/z.local",
    ]);
    expect(value(cfg, "sshd", "bantime").text).toBe("5");
    expect(value(cfg, "sshd", "findtime").text).toBe("3");
    // .local overrides .conf, with the place it was set
    const port = value(cfg, "sshd", "port");
    expect(port.text).toBe("2222");
    expect(port.r.status === "ok" && port.r.at).toEqual({ file: "jail.local", line: 4 });
    expect(cfg.headers.get("sshd")).toEqual([
      { file: "jail.conf", line: 3 },
      { file: "jail.local", line: 3 },
    ]);
    expect(cfg.diagnostics).toEqual([]);
  });

  it("follows [INCLUDES] before/after relative to the including file, each with its .local", () => {
    const fs = memoryFs({
      "filter.d/common.conf": lines(
        "[INCLUDES]",
        "after = common.local",
        "[DEFAULT]",
        "_daemon = \\S*",
        "x = common",
      ),
      "filter.d/common.local": lines("[DEFAULT]", "x = common.local"),
      "filter.d/extra.conf": lines("[Definition]", "failregex = from extra"),
      "filter.d/f.conf": lines(
        "[INCLUDES]",
        "before = common.conf",
        "after = extra.conf",
        "[Definition]",
        "failregex = from f",
        "y = %(x)s",
      ),
      "filter.d/f.local": lines("[Definition]", "y = local %(x)s"),
    });
    const cfg = readConfig(fs, "filter.d/f");
    expect(cfg.files).toEqual([
      "filter.d/common.conf",
      // once as common.conf's `after =`, once as its .local sibling: fail2ban reads it twice too
      "filter.d/common.local",
      "filter.d/common.local",
      "filter.d/f.conf",
      "filter.d/extra.conf",
      "filter.d/f.local",
    ]);
    // "after" is read after the including file: it wins
    expect(value(cfg, "Definition", "failregex").text).toBe("from extra");
    expect(value(cfg, "Definition", "y").text).toBe("local common.local");
    expect(cfg.diagnostics).toEqual([]);
  });

  it("reports a missing include at its line, skips a missing .local silently, stops include loops", () => {
    const fs = memoryFs({
      "a.conf": lines(
        "[INCLUDES]",
        "before = b.conf",
        "           missing.conf",
        "after = opt.local",
        "[DEFAULT]",
        "a = 1",
      ),
      "b.conf": lines("[INCLUDES]", "before = a.conf", "[DEFAULT]", "b = 1"),
    });
    const cfg = readConfigFiles(fs, ["a.conf"]);
    expect(cfg.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        file: "b.conf",
        line: 2,
        message: expect.stringContaining("include loop"),
      }),
      expect.objectContaining({
        severity: "warning",
        file: "a.conf",
        line: 3,
        message: expect.stringContaining("missing.conf"),
      }),
    ]);
    expect(cfg.files).toEqual(["b.conf", "a.conf"]);
    expect(value(cfg, "DEFAULT", "b").text).toBe("1");
  });

  it("maps absolute includes below the configuration path into the tree", () => {
    const fs = memoryFs({
      "jail.conf": lines(
        "[INCLUDES]",
        "before = /etc/fail2ban/paths.conf",
        "[j]",
        "logpath = %(log)s",
      ),
      "paths.conf": lines("[DEFAULT]", "log = /var/log/x"),
    });
    const cfg = readConfig(fs, "jail");
    expect(value(cfg, "j", "logpath").text).toBe("/var/log/x");
    const other = readConfig(fs, "jail", { confPath: "/opt/f2b" });
    expect(other.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", file: "jail.conf", line: 2 }),
    ]);
  });

  it("merges conditional sections as suffixed options", () => {
    const cfg = readConfigFiles(
      memoryFs({
        "a.conf": lines("[Init]", "chain = INPUT", "[Init?family=inet6]", "chain = INPUT6"),
      }),
      ["a.conf"],
    );
    expect(cfg.options("Init")).toEqual(["chain", "chain?family=inet6"]);
  });

  it("reports a missing configuration", () => {
    const cfg = readConfig(memoryFs({}), "jail");
    expect(cfg.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", file: "jail.conf", line: 0 }),
    ]);
  });
});

describe("fail2ban interpolation", () => {
  const fs = memoryFs({
    "jail.conf": lines(
      "[INCLUDES]", // 1
      "before = paths.conf", // 2
      "[DEFAULT]", // 3
      "port = 0:65535", // 4
      "banaction = iptables", // 5
      'action_ = %(banaction)s[name=%(__name__)s, port="%(port)s"]', // 6
      "action = %(action_)s", // 7
      "filter = %(__name__)s[mode=%(mode)s]", // 8
      "mode = normal", // 9
      "percent = 100%%", // 10
      "[sshd]", // 11
      "port = ssh", // 12
      "logpath = %(sshd_log)s", // 13
      "[asterisk]", // 14
      "action_ = %(default/action_)s[protocol=tcp]", // 15
      "          %(default/action_)s[protocol=udp]", // 16
      "other = %(sshd/port)s and %(nosuch/port)s", // 17
      "own = %(asterisk/mode)s", // 18
    ),
    "paths.conf": lines(
      "[DEFAULT]",
      "syslog_authpriv = /var/log/auth.log",
      "sshd_log = %(syslog_authpriv)s",
    ),
    "jail.local": lines(
      "[sshd]", // 1
      "port = %(known/port)s,2222", // 2
      "mode = %(known/mode)s-local", // 3
    ),
  });
  const cfg = readConfig(fs, "jail");

  it("inherits [DEFAULT], resolves %(__name__)s and nested variables in the jail's context", () => {
    expect(value(cfg, "sshd", "filter").text).toBe("sshd[mode=normal-local]");
    expect(value(cfg, "sshd", "action").text).toBe('iptables[name=sshd, port="ssh,2222"]');
    expect(value(cfg, "asterisk", "filter").text).toBe("asterisk[mode=normal]");
    expect(value(cfg, "DEFAULT", "percent").text).toBe("100%");
  });

  it("keeps where every piece of a value comes from", () => {
    const r = cfg.get("sshd", "logpath");
    expect(r.status === "ok" && r.at).toEqual({ file: "jail.conf", line: 13 });
    expect(r.status === "ok" && r.value.sources()).toEqual([{ file: "paths.conf", line: 2 }]);
  });

  it("resolves %(default/x)s, %(known/x)s and %(section/x)s", () => {
    // known/port is the value jail.conf gave before jail.local overrode it
    expect(value(cfg, "sshd", "port").text).toBe("ssh,2222");
    expect(value(cfg, "asterisk", "action").text).toBe(
      'iptables[name=asterisk, port="0:65535"][protocol=tcp]\niptables[name=asterisk, port="0:65535"][protocol=udp]',
    );
    expect(value(cfg, "asterisk", "own").text).toBe("normal");
    // a missing section is a missing variable
    const other = value(cfg, "asterisk", "other");
    expect(other.r.status).toBe("error");
    expect(other.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "jail.conf",
        line: 17,
        message: expect.stringContaining("%(nosuch/port)s"),
      }),
    ]);
  });

  it("reports loops, excessive depth, missing variables and bad '%' at the line that has them", () => {
    const bad = readConfig(
      memoryFs({
        "jail.conf": lines(
          "[DEFAULT]", // 1
          "a = %(b)s", // 2
          "b = x", // 3
          "    %(a)s", // 4
          "self = <%(self)s>", // 5
          "missing = ok", // 6
          "          %(nope)s", // 7
          "pct = 50%", // 8
          "unclosed = %(a", // 9
          ...Array.from({ length: 12 }, (_, i) => `d${i} = %(d${i + 1})s`), // 10..21
          "d12 = end", // 22
          "d5b = %(d5)s", // 23
        ),
      }),
      "jail",
    );
    const get = (o: string) => value(bad, "DEFAULT", o);
    const a = get("a");
    expect(a.r.status).toBe("error");
    expect(a.diagnostics).toEqual([
      expect.objectContaining({
        file: "jail.conf",
        line: 4,
        message: expect.stringContaining("a -> b -> a"),
      }),
    ]);
    expect(get("self").diagnostics[0]).toMatchObject({
      line: 5,
      message: expect.stringContaining("self -> self"),
    });
    expect(get("missing").diagnostics[0]).toMatchObject({
      line: 7,
      message: expect.stringContaining("%(nope)s"),
    });
    expect(get("pct").diagnostics[0]).toMatchObject({
      line: 8,
      message: expect.stringContaining("'%' must be followed"),
    });
    expect(get("unclosed").diagnostics[0]).toMatchObject({
      line: 9,
      message: expect.stringContaining("bad interpolation"),
    });
    // configparser gives up beyond 10 levels of nesting even without a loop
    expect(get("d0").diagnostics[0]).toMatchObject({
      message: expect.stringContaining("deeper than 10"),
    });
    expect(get("d5b").text).toBe("end");
  });
});
