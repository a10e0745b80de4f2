import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { it } from "vitest";
import * as f2b from "../src/parsers/fail2ban/index.js";
import { corpusFiles, corpusPath } from "./support/corpus.js";

it("explore", () => {
  const all = [
    ...corpusFiles("fail2ban-config", (p) => p.endsWith(".conf")),
    ...corpusFiles("wazo/xivo-config/etc/fail2ban"),
    ...corpusFiles("issabel", (p) => !p.endsWith(".md")),
    ...corpusFiles("openwrt-defaults/openwrt-packages/etc/fail2ban"),
  ];
  for (const p of all) {
    const ini = f2b.parseIni(readFileSync(p, "utf8"), p);
    if (ini.diagnostics.length) console.log("INI", p, ini.diagnostics);
  }
  for (const p of corpusFiles("fail2ban-config/filter.d")) {
    const d = f2b.loadFilterDefinition(p);
    console.log(
      "F",
      relative(corpusPath(), p),
      d.failregex.length,
      d.ignoreregex.length,
      d.diagnostics.map((x) => `${x.severity} ${x.file}:${x.line} ${x.message}`),
    );
  }
  for (const p of [
    ...corpusFiles("wazo/xivo-config/etc/fail2ban/filter.d"),
    ...corpusFiles("issabel/etc/fail2ban/filter.d"),
  ]) {
    const d = f2b.loadFilterDefinition(p);
    console.log(
      "F",
      relative(corpusPath(), p),
      d.failregex.length,
      d.diagnostics.map((x) => `${x.severity} ${x.file}:${x.line} ${x.message}`),
    );
  }
  const fs = f2b.diskFs(corpusPath("fail2ban-config"));
  for (const name of ["asterisk-ami", "issabel-gui"]) {
    const d = f2b.readFilter(
      f2b.overlayFs(fs, f2b.diskFs(corpusPath("issabel/etc/fail2ban"))),
      name,
    );
    console.log("OVL", name, d.failregex, d.diagnostics);
  }
  for (const root of ["fail2ban-config", "wazo/xivo-config/etc/fail2ban", "issabel/etc/fail2ban"]) {
    const r = f2b.loadJails(corpusPath(root), { withFilters: true });
    console.log(
      "J",
      root,
      r.files,
      r.jails.length,
      r.jails.filter((j) => j.enabled.value).map((j) => j.name),
      r.diagnostics.map((x) => `${x.severity} ${x.file}:${x.line} ${x.message}`),
    );
  }
  const w = f2b.loadJails(
    f2b.overlayFs(fs, f2b.diskFs(corpusPath("wazo/xivo-config/etc/fail2ban"))),
    { withFilters: true },
  );
  console.log(
    "WO",
    w.files,
    w.diagnostics,
    w.jails
      .filter((j) => j.enabled.value)
      .map((j) => [
        j.name,
        j.logpath,
        j.backend.value,
        j.backend.sources,
        j.filterDefinition?.failregex.length,
      ]),
  );
  const s = f2b.loadServerSettings(corpusPath("openwrt-defaults/openwrt-packages/etc/fail2ban"));
  console.log("S", s.files, s.diagnostics, s.options, s.dbpurgeage);
});
