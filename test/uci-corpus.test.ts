/** Every UCI file of the real OpenWrt and RutOS defaults parses, with only the known placeholders warned about. */
import { readFileSync } from "node:fs";
import { basename, relative } from "node:path";
import { expect, it } from "vitest";
import { parseUci } from "../src/parsers/uci/parse.js";
import { CORPUS_DIR, corpusFiles, describeCorpus } from "./support/corpus.js";

const isUci = (p: string) => /\/etc\/config\/[^/]+$/.test(p);

describeCorpus("UCI parser on the real defaults", () => {
  const files = [
    ...corpusFiles("openwrt-defaults", isUci),
    ...corpusFiles("rutos-defaults", isUci),
  ];

  it("finds the corpus files", () => {
    // 8 OpenWrt (incl. firewall.fw3) + 32 RutOS UCI files: RUTX 7.20 16, RUT9 7.02.7 4, legacy RUT9XX 12.
    expect(files.length).toBe(40);
  });

  it("parses every file without an error", () => {
    const problems: string[] = [];
    let sections = 0;
    for (const file of files) {
      const { packages, diagnostics } = parseUci(readFileSync(file, "utf8"), {
        packageName: basename(file),
        file: relative(CORPUS_DIR, file),
      });
      sections += packages.reduce((n, p) => n + p.sections.length, 0);
      for (const d of diagnostics)
        problems.push(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
    }
    // The only diagnostics are the two documented Teltonika build placeholders in RUTX's firewall.
    expect(problems).toEqual([
      expect.stringMatching(
        /rutx_00\.07\.20\/etc\/config\/firewall:6:2: warning: build-time placeholder '%%OFFLOADING%%'/,
      ),
      expect.stringMatching(
        /rutx_00\.07\.20\/etc\/config\/firewall:22:2: warning: build-time placeholder '%%WAN_NETWORK%%'/,
      ),
    ]);
    expect(sections).toBeGreaterThan(150);
  });

  it("reads values the way uci does (spot checks)", () => {
    const text = readFileSync(
      `${CORPUS_DIR}/rutos-defaults/rutx_00.07.20/etc/config/dropbear`,
      "utf8",
    );
    const s = parseUci(text, { packageName: "dropbear", file: "dropbear" }).packages[0]
      ?.sections[0];
    expect(s?.ref).toBe("@dropbear[0]");
    expect(s?.options.get("PasswordAuth")?.values).toEqual(["on"]);
    expect(s?.options.get("_sshWanAccess")?.values).toEqual(["0"]);
    const upnp = readFileSync(
      `${CORPUS_DIR}/rutos-defaults/rutx_00.07.20/etc/config/upnpd`,
      "utf8",
    );
    const rule = parseUci(upnp, { packageName: "upnpd", file: "upnpd" }).packages[0]?.sections[1];
    // `option int_addr 0.0.0.0/0	# Does not override secure_mode`: the comment is not part of the value.
    expect(rule?.options.get("int_addr")?.values).toEqual(["0.0.0.0/0"]);
    expect(rule?.options.get("comment")?.values).toEqual(["Allow high ports"]);
  });
});
