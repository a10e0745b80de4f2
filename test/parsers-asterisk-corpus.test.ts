// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan uses ${VAR} literally
/**
 * The Asterisk parser against real configuration written by others (../shared/corpus, read in
 * place): Asterisk's own samples and a complete Wazo /etc/asterisk tree.
 */
import { relative } from "node:path";
import { expect, it } from "vitest";
import {
  type AsteriskConfig,
  diskSource,
  get,
  getAll,
  getEntry,
  mountedSource,
  parseAsteriskConfig,
  sectionsNamed,
  sectionsWhere,
} from "../src/parsers/asterisk/index.js";
import { corpusFiles, corpusPath, describeCorpus } from "./support/corpus.js";

function only(config: AsteriskConfig, name: string) {
  const found = sectionsNamed(config, name, { templates: true });
  expect(found).toHaveLength(1);
  return found[0] as NonNullable<(typeof found)[0]>;
}

describeCorpus("Asterisk parser: Asterisk's sample configuration", () => {
  const root = corpusPath("asterisk-samples");
  const source = diskSource(root);
  const files = corpusFiles("asterisk-samples", (p) => /\.(conf|sample)$/.test(p)).map((p) =>
    relative(root, p).split("\\").join("/"),
  );
  const parsed = new Map(files.map((f) => [f, parseAsteriskConfig(source, f)]));
  const config = (f: string) => {
    const c = parsed.get(f);
    if (!c) throw new Error(`${f} not in the corpus`);
    return c;
  };

  it("parses all 35 files (18 master samples, 4 from 20.20.1, 13 basic-pbx) without a diagnostic", () => {
    expect(files).toHaveLength(35);
    expect(files.filter((f) => f.startsWith("master/"))).toHaveLength(18);
    expect(files.filter((f) => f.startsWith("20.20.1/"))).toHaveLength(4);
    expect(files.filter((f) => f.startsWith("master-basic-pbx/"))).toHaveLength(13);
    const problems = [...parsed.values()].flatMap((c) => c.diagnostics);
    expect(problems).toEqual([]);
    for (const [f, c] of parsed) expect(c.files, f).toEqual([f]);
    const entries = [...parsed.values()].flatMap((c) => c.sections.flatMap((s) => s.entries));
    expect(entries).toHaveLength(835);
  });

  it("basic-pbx pjsip.conf: one name per phone for endpoint, auth and aor, built from templates", () => {
    const c = config("master-basic-pbx/pjsip.conf");
    expect(sectionsWhere(c, "type", "endpoint")).toHaveLength(16);
    expect(sectionsWhere(c, "type", "auth")).toHaveLength(17);
    expect(sectionsWhere(c, "type", "aor")).toHaveLength(16);
    expect(sectionsWhere(c, "type", "transport")).toHaveLength(1);
    const [endpoint, auth, aor] = sectionsNamed(c, "1107");
    if (!endpoint || !auth || !aor) throw new Error("1107 should have three sections");
    expect([endpoint.line, auth.line, aor.line]).toEqual([88, 93, 97]);
    expect(endpoint.templates).toEqual(["endpoint-internal-d70"]);
    expect(getEntry(endpoint, "type")).toMatchObject({
      value: "endpoint",
      file: "master-basic-pbx/pjsip.conf",
      line: 59,
      inherited: true,
      inheritedFrom: "endpoint-internal-d70",
    });
    expect(get(endpoint, "callerid")).toBe("Lindsey Freddie <1107>");
    expect(getEntry(auth, "password")).toMatchObject({ value: "4webrEtHupHewu4", line: 94 });
    expect(get(aor, "max_contacts")).toBe("1");
  });

  it("sip.conf.sample: templates inheriting templates", () => {
    const c = config("20.20.1/sip.conf.sample");
    const natted = only(c, "natted-phone");
    expect(natted.isTemplate).toBe(true);
    expect(natted.templates).toEqual(["basic-options"]);
    expect(natted.entries.map((e) => `${e.key}=${e.value}${e.inherited ? "*" : ""}`)).toEqual([
      "dtmfmode=rfc2833*",
      "context=from-office*",
      "type=friend*",
      "directmedia=no",
      "host=dynamic",
    ]);
    expect(getAll(only(c, "my-codecs"), "allow")).toEqual(["ilbc", "g729", "gsm", "g723", "ulaw"]);
    expect(sectionsNamed(c, "basic-options")).toEqual([]);
  });

  it("manager.conf.sample: block comments hide their contents", () => {
    const c = config("master/manager.conf.sample");
    expect(c.sections.map((s) => s.name)).toEqual(["general"]);
    expect(only(c, "general").entries.map((e) => `${e.key}=${e.value}@${e.line}`)).toEqual([
      "enabled=no@22",
      "port=5038@25",
      "bindaddr=0.0.0.0@26",
    ]);
    expect(config("master/stir_shaken.conf.sample").sections).toEqual([]);
  });

  it("pjsip_notify.conf.sample: `=>` with an escaped semicolon", () => {
    const c = config("master/pjsip_notify.conf.sample");
    expect(only(c, "snom-check-cfg").entries).toEqual([
      {
        key: "Event",
        value: "check-sync;reboot=false",
        file: "master/pjsip_notify.conf.sample",
        line: 49,
        objectSyntax: true,
        inherited: false,
      },
    ]);
  });
});

describeCorpus("Asterisk parser: Wazo's /etc/asterisk tree", () => {
  const repo = corpusPath("wazo", "wazo-asterisk-config");
  // The package installs dialplan/ where extensions.d/01-wazo.conf includes it from.
  const DIALPLAN = "usr/share/wazo-asterisk-config/dialplan";
  const source = mountedSource({
    "": diskSource(repo),
    [DIALPLAN]: diskSource(corpusPath("wazo", "wazo-asterisk-config", "dialplan")),
  });
  const topLevel = source
    .list("etc/asterisk")
    .filter((n) => n.endsWith(".conf"))
    .sort();
  const parsed = new Map(
    topLevel.map((n) => [n, parseAsteriskConfig(source, `etc/asterisk/${n}`)]),
  );
  const config = (name: string) => {
    const c = parsed.get(name);
    if (!c) throw new Error(`${name} not parsed`);
    return c;
  };

  it("parses the 47 top-level files with their includes, without a diagnostic", () => {
    expect(topLevel).toHaveLength(47);
    expect([...parsed.values()].flatMap((c) => c.diagnostics)).toEqual([]);
    // Every Asterisk file of the package is reached through some top-level file's includes.
    const reached = new Set([...parsed.values()].flatMap((c) => c.files));
    const shipped = corpusFiles("wazo/wazo-asterisk-config", (p) => !p.includes("/nginx/"))
      .map((p) => relative(repo, p).split("\\").join("/"))
      .map((p) => (p.startsWith("dialplan/") ? `usr/share/wazo-asterisk-config/${p}` : p));
    expect(shipped).toHaveLength(126);
    expect([...reached].sort()).toEqual(shipped.sort());
  });

  it("reports the 15 #exec directives, whose generated content is unknown", () => {
    const execs = [...parsed.values()].flatMap((c) => c.execs);
    expect(execs).toHaveLength(15);
    expect(config("pjsip.conf").execs).toEqual([
      {
        file: "etc/asterisk/pjsip.d/01-wazo.conf",
        line: 2,
        command: "/usr/bin/wazo-confgen asterisk/pjsip.conf --cached",
      },
    ]);
    expect(config("extensions.conf").execs).toEqual([
      {
        file: "etc/asterisk/extensions.d/01-wazo.conf",
        line: 9,
        command: "/usr/bin/wazo-confgen asterisk/extensions.conf",
      },
    ]);
    for (const e of execs)
      expect(e.command).toMatch(/^\/usr\/bin\/wazo-confgen asterisk\/\S+\.conf/);
  });

  it("pjsip.conf: the glob include brings in the autoprov templates", () => {
    const c = config("pjsip.conf");
    expect(c.files).toEqual([
      "etc/asterisk/pjsip.conf",
      "etc/asterisk/pjsip.d/01-wazo.conf",
      "etc/asterisk/pjsip.d/02-autoprov.conf",
    ]);
    expect(c.includes).toEqual([
      {
        kind: "include",
        file: "etc/asterisk/pjsip.conf",
        line: 3,
        target: "pjsip.d/*.conf",
        files: ["etc/asterisk/pjsip.d/01-wazo.conf", "etc/asterisk/pjsip.d/02-autoprov.conf"],
      },
    ]);
    expect(c.sections.map((s) => `${s.name}${s.isTemplate ? "(!)" : ""}`)).toEqual([
      "autoprov-endpoint(!)",
      "autoprov-aor(!)",
    ]);
    expect(sectionsWhere(c, "type", "endpoint")).toEqual([]);
  });

  it("manager.conf: AMI users with their secrets, located in manager.d", () => {
    const c = config("manager.conf");
    expect(c.sections.map((s) => `${s.name}@${s.file}:${s.line}`)).toEqual([
      "wazo_amid@etc/asterisk/manager.d/01-xivo.conf:3",
      "xivo_munin_user@etc/asterisk/manager.d/01-xivo.conf:13",
      "wazo_provd@etc/asterisk/manager.d/01-xivo.conf:20",
      "general@etc/asterisk/manager.d/99-general.conf:1",
    ]);
    const amid = only(c, "wazo_amid");
    expect(getEntry(amid, "secret")).toMatchObject({
      file: "etc/asterisk/manager.d/01-xivo.conf",
      line: 4,
    });
    expect(get(amid, "deny")).toBe("0.0.0.0/0.0.0.0");
    expect(getAll(amid, "eventfilter")).toHaveLength(3);
    expect(get(only(c, "general"), "bindaddr")).toBe("127.0.0.1");
  });

  it("extensions.conf: nested, absolute and glob includes; the dialplan with escapes", () => {
    const c = config("extensions.conf");
    expect(c.files).toHaveLength(29);
    expect(c.files.slice(0, 7)).toEqual([
      "etc/asterisk/extensions.conf",
      "etc/asterisk/extensions.d/01-wazo.conf",
      "etc/asterisk/pbxconfig.conf",
      "etc/asterisk/pbxconfig.d/01-wazo.conf",
      "etc/xivo/asterisk/xivo_globals.conf",
      "etc/asterisk/extensions_extra.d/example.conf",
      "etc/asterisk/extensions_extra.d/xivo-extrafeatures.conf",
    ]);
    expect(get(only(c, "globals"), "WAZO_AGID_IP")).toBe("127.0.0.1");
    expect(getEntry(only(c, "general"), "writeprotect")?.file).toBe(
      "etc/asterisk/pbxconfig.d/01-wazo.conf",
    );
    const disa = only(c, "wazo-callbackdisa");
    expect(disa.entries.map((e) => [e.key, e.value])).toEqual([
      ["exten", "s,1,DISA(no-password,${WAZO_DISACONTEXT})"],
      ["same", "n,Hangup()"],
    ]);
    const exec = getAll(only(c, "forward"), "same").find((v) => v.includes("REPLACE"));
    expect(exec).toBe("n,Exec(${REPLACE(WAZO_FWD_ACTIONARG1,;,\\,)})");
  });

  it("without the dialplan mount, the absolute glob include is reported at its line", () => {
    const c = parseAsteriskConfig(diskSource(repo), "etc/asterisk/extensions.conf");
    expect(c.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "include-missing",
        file: "etc/asterisk/extensions.d/01-wazo.conf",
        line: 13,
      }),
    ]);
    expect(c.files).toHaveLength(7);
  });

  it("chan_dahdi.conf: a #tryinclude of an absent file is silent", () => {
    const c = config("chan_dahdi.conf");
    expect(c.includes.map((i) => [i.kind, i.target, i.files])).toEqual([
      ["include", "chan_dahdi.d/*.conf", ["etc/asterisk/chan_dahdi.d/01-wazo.conf"]],
      ["tryinclude", "dahdi-channels.conf", []],
    ]);
    expect(get(only(c, "channels"), "context")).toBe("from-extern");
  });
});
