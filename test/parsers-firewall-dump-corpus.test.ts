/**
 * The firewall-dump parsers and the exposure analysis on real, third-party rulesets, read in place
 * from the shared corpus: 22 iptables-save dumps (../shared/corpus/iptables-save, see its
 * PROVENANCE.md) and the nftables rulesets that OpenWrt's firewall4 test vectors expect.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { expect, it } from "vitest";
import {
  analyzeInput,
  analyzeInputPorts,
  EXPOSURE_PORTS,
  type FirewallModel,
  inputSummary,
  parseFirewallDump,
} from "../src/parsers/firewall-dump/index.js";
import { corpusFiles, corpusPath, describeCorpus } from "./support/corpus.js";

const IPT_DIR = "iptables-save";
const dumps = () => corpusFiles(IPT_DIR, (p) => !p.endsWith("PROVENANCE.md"));
const rel = (p: string) => relative(corpusPath(IPT_DIR), p);
const load = (name: string) => {
  const file = corpusPath(IPT_DIR, name);
  return parseFirewallDump(readFileSync(file, "utf8"), { file, format: "iptables" });
};

describeCorpus("firewall dumps: iptables-save corpus", () => {
  it("has the 22 dumps PROVENANCE.md lists", () => {
    expect(dumps()).toHaveLength(22);
  });

  it("parses every dump: every -A line becomes a rule, no errors, one explained warning", () => {
    const found: Record<string, string[]> = {};
    let rules = 0;
    for (const file of dumps()) {
      const text = readFileSync(file, "utf8");
      const d = parseFirewallDump(text, { file });
      expect(d.format, rel(file)).toBe("iptables");
      if (d.syntax.format !== "iptables") throw new Error("iptables expected");
      const appends = text.split("\n").filter((l) => l.startsWith("-A ")).length;
      expect(d.syntax.ruleCount, rel(file)).toBe(appends);
      rules += appends;
      if (d.diagnostics.length) {
        found[rel(file)] = d.diagnostics.map((x) => `${x.severity}:${x.line}:${x.message}`);
      }
    }
    expect(rules).toBe(7166);
    // Parser_Test is the Iptables_Semantics project's parser torture test: line 12 has
    // `-m multiport --ports 8080:8081,8082 --something-else`, an option multiport does not have.
    // It is kept on the rule (and makes that rule undecidable for the analysis).
    // linux.gda.pl (2003) writes `-m mac --mac ...`: getopt's abbreviation of --mac-source, read
    // as such, so it needs no diagnostic.
    expect(found).toEqual({
      "Parser_Test/data/iptables-save": [
        'warning:12:unknown option --something-else for match "multiport" (kept)',
      ],
    });
  });

  it("reads the INPUT policy and emptiness of each dump", () => {
    const got: Record<string, string> = {};
    for (const file of dumps()) {
      const d = parseFirewallDump(readFileSync(file, "utf8"), { file });
      const s = inputSummary(d.model);
      got[rel(file)] =
        `${s.policy.policy}@${s.policy.line}${s.effectivelyEmpty ? " empty" : ""} ${s.reachableRules}/${s.totalRules}`;
    }
    expect(got).toMatchInlineSnapshot(`
      {
        "Contrived/iptables-save": "drop@3 0/13",
        "IPPartEval/TUM_Net/iptables-save-2015-05-15_15-23-41": "accept@44 61/4841",
        "IPPartEval/config_home_user/typical_home_user_iptables-save": "drop@3 164/218",
        "IPPartEval/config_memphis_testbed/iptables-save": "accept@3 19/34",
        "IPPartEval/config_random_srv/iptables-save": "drop@3 8/8",
        "IPPartEval/configs_sqrl_shorewall/2014_sep_iptables-saveakachan": "drop@63 145/404",
        "IPPartEval/configs_sqrl_shorewall/2015_aug_iptables-save-spoofing-protection": "drop@76 47/102",
        "IPPartEval/configs_srvs_ufw/server2-iptables-save": "drop@3 44/68",
        "IPPartEval/configs_synology_diskstation_ds414/iptables-save_jun_2015_legacyifacerules": "accept@3 31/31",
        "IPPartEval/configs_ugent/iptables-save.v1.4.21": "drop@3 58/232",
        "IPPartEval/docker_topos/iptables-save.topos4.1": "accept@18 empty 3/36",
        "IPPartEval/gopherproxy.meulie.net/iptables-save": "accept@3 261/263",
        "IPPartEval/linux.gda.pl/firewallp.txt": "accept@3 empty 0/19",
        "IPPartEval/medium-sized-company/iptables-save": "drop@36 22/598",
        "IPPartEval/openvpn.eu/iptables-save": "accept@21 8/17",
        "IPPartEval/openwrt.org/iptables-save-AA.txt_fixed_newline": "accept@3 12/48",
        "IPPartEval/pastebin.com_bbWXHaTn/iptables-save": "drop@42 18/40",
        "IPPartEval/rlworkman.net/iptables-save": "drop@21 18/28",
        "IPPartEval/sargon/iptables-save.txt": "accept@21 44/81",
        "IPPartEval/worst_case/iptables-save": "accept@3 empty 0/1",
        "Parser_Test/data/iptables-save": "accept@3 empty 0/43",
        "Ringofsaturn_com/iptables-save": "accept@3 40/41",
      }
    `);
  });

  it("the 4.8k-rule TUM dump: parse + analyse time (informational), and its answers", () => {
    const file = corpusPath(IPT_DIR, "IPPartEval/TUM_Net/iptables-save-2015-05-15_15-23-41");
    const text = readFileSync(file, "utf8");
    const t0 = performance.now();
    const d = parseFirewallDump(text, { file });
    const t1 = performance.now();
    const results = analyzeInputPorts(d.model);
    const t2 = performance.now();
    process.stdout.write(
      `[bulwark] TUM_Net iptables-save (${text.length} bytes, ${d.syntax.ruleCount} rules): parse+model ${(t1 - t0).toFixed(1)} ms, ${results.length} port analyses ${(t2 - t1).toFixed(1)} ms\n`,
    );
    expect(d.syntax.ruleCount).toBe(4841);
    expect(d.diagnostics).toEqual([]);
    // INPUT (policy ACCEPT, line 44) sends only eth1.110 and eth1.1024 to filter_INPUT (lines 142,
    // 143), which accepts DNS, web and LDAP (lines 1676-1678) and ends in filter_DEFAULT's REJECT
    // (line 1674). Any other interface falls off INPUT into the ACCEPT policy.
    const ssh = analyzeInput(d.model, { port: 22 });
    expect(ssh.verdict).toBe("unknown");
    expect(ssh.reasons.join("\n")).toMatch(/input interface is (not )?eth1\.(110|1024)/);
    expect(analyzeInput(d.model, { port: 22, interface: "eth1.110" })).toMatchObject({
      verdict: "dropped",
      decidedBy: {
        line: 1674,
        target: "REJECT",
        chainPath: ["INPUT", "filter_INPUT", "filter_DEFAULT"],
        via: [142, 1683],
      },
    });
    expect(analyzeInput(d.model, { port: 443, interface: "eth1.1024" })).toMatchObject({
      verdict: "accepted",
      decidedBy: { line: 1678 },
    });
    expect(analyzeInput(d.model, { port: 22, interface: "eth0" })).toMatchObject({
      verdict: "accepted",
      decidedBy: { kind: "policy", line: 44 },
    });
    // DNS: the raw table NOTRACKs DNS to a few servers (lines 5-28), which INPUT's first rule
    // then accepts as UNTRACKED; the others are accepted as NEW at line 1676: accepted either way
    expect(
      analyzeInput(d.model, { port: 53, protocol: "udp", interface: "eth1.110" }).verdict,
    ).toBe("accepted");
  });

  it("the OpenWrt fw3 router: what the WAN side can reach on 22, 80, 443 and 53", () => {
    const d = load("IPPartEval/openwrt.org/iptables-save-AA.txt_fixed_newline");
    expect(d.diagnostics).toEqual([]);
    const m = d.model;
    // Reading the dump (filter table only):
    // - line 3: `:INPUT ACCEPT`: the INPUT policy accepts.
    // - line 28: RELATED,ESTABLISHED only, not a NEW packet; line 29: `-i lo` only.
    // - line 30: TCP SYNs go to syn_flood, which RETURNs below 25/s (line 51) and drops above
    //   (line 52); a first packet is below the limit.
    // - lines 31-32: `input_rule` is empty; `input` has one rule, line 46 `-i br-lan -j zone_lan`.
    //   Nothing jumps to `zone_wan` (lines 64-73, the WAN zone with its DHCP/ping/DNAT accepts and
    //   its final zone_wan_REJECT): fw3 writes `-A input -i <wan dev> -j zone_wan` only for a WAN
    //   device that is up, and there is none here.
    // So a NEW packet from the internet on the WAN device (eth0.2, the device LAN traffic is
    // forwarded to at line 34) is not br-lan, falls off INPUT and is ACCEPTED by the policy of
    // line 3: SSH, HTTP, HTTPS and DNS (UDP and TCP) are all exposed. On br-lan the LAN zone accepts
    // them too (line 56), so the answer does not depend on the interface at all.
    const wan = (port: number, protocol: "tcp" | "udp" = "tcp") =>
      analyzeInput(m, { port, protocol, interface: "eth0.2" });
    for (const [port, protocol] of [
      [22, "tcp"],
      [80, "tcp"],
      [443, "tcp"],
      [53, "udp"],
      [53, "tcp"],
    ] as const) {
      const r = wan(port, protocol);
      expect(r.verdict, `${protocol}/${port}`).toBe("accepted");
      expect(r.decidedBy, `${protocol}/${port}`).toEqual({
        kind: "policy",
        table: "filter",
        chain: "INPUT",
        chainPath: ["INPUT"],
        via: [],
        line: 3,
        text: ":INPUT ACCEPT [0:0]",
        target: "policy ACCEPT",
      });
      const any = analyzeInput(m, { port, protocol });
      expect(any.verdict, `${protocol}/${port} on any interface`).toBe("accepted");
      expect(any.paths.map((p) => p.evidence.line)).toEqual([3, 56]);
    }
    // the SYN rate limit is the one assumption made for TCP
    expect(wan(22).assumptions).toEqual([
      expect.objectContaining({
        line: 51,
        note: expect.stringMatching(/within the rate limit 25\/sec/),
      }),
    ]);
    expect(wan(53, "udp").assumptions).toEqual([]);
    expect(inputSummary(m)).toMatchObject({
      policy: { policy: "accept", line: 3 },
      effectivelyEmpty: false,
    });
  });

  it("answers every audit port for every dump without an exception", () => {
    let answers = 0;
    const tally = { accepted: 0, dropped: 0, unknown: 0 };
    for (const file of dumps()) {
      const { model } = parseFirewallDump(readFileSync(file, "utf8"), { file });
      for (const r of analyzeInputPorts(model)) {
        answers++;
        tally[r.verdict]++;
        if (r.verdict !== "unknown") expect(r.decidedBy, `${rel(file)} ${r.summary}`).toBeDefined();
        else expect(r.reasons.length, `${rel(file)} ${r.summary}`).toBeGreaterThan(0);
      }
    }
    expect(answers).toBe(22 * EXPOSURE_PORTS.length);
    expect(tally).toMatchInlineSnapshot(`
      {
        "accepted": 105,
        "dropped": 105,
        "unknown": 76,
      }
    `);
  });
});

// ---------------------------------------------------------------------------------------------

/** The `-- Expect stdout --` section of a firewall4 test, other lines blanked (line numbers kept). */
function expectedRuleset(file: string): string | undefined {
  let inside = false;
  let any = false;
  const out = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => {
      if (l.startsWith("-- Expect stdout --")) {
        inside = true;
        return "";
      }
      if (l.startsWith("-- End --")) {
        inside = false;
        return "";
      }
      if (inside) any = true;
      return inside ? l : "";
    });
  return any ? out.join("\n") : undefined;
}

function fw4(name: string): FirewallModel {
  const file = corpusPath("firewall4-tests", name);
  const text = expectedRuleset(file);
  if (!text) throw new Error(`no ruleset in ${name}`);
  return parseFirewallDump(text, { file, format: "nft" }).model;
}

describeCorpus("firewall dumps: nftables rulesets rendered by firewall4", () => {
  it("parses all 30 expected rulesets with no error or warning", () => {
    const files = corpusFiles(
      "firewall4-tests",
      (p) => !p.includes("/mocks/") && !p.endsWith(".md"),
    );
    let parsed = 0;
    let rules = 0;
    const problems: string[] = [];
    for (const file of files) {
      const text = expectedRuleset(file);
      if (!text) continue; // 06_includes/03_script_includes prints includes, not a ruleset
      const d = parseFirewallDump(text, { file });
      expect(d.format).toBe("nft");
      if (d.syntax.format !== "nft") throw new Error("nft expected");
      parsed++;
      rules += d.syntax.ruleCount;
      for (const x of d.diagnostics) {
        // `include "/etc/nftables.d/*.nft"` and friends are reported as not followed (info)
        if (x.severity !== "info") problems.push(`${x.file}:${x.line}: ${x.message}`);
      }
      expect(d.model.stages.filter((s) => s.hook === "input").map((s) => s.chain.name)).toEqual([
        "mangle_input",
        "input",
      ]);
    }
    expect(problems).toEqual([]);
    expect(parsed).toBe(30);
    expect(rules).toBe(999);
  });

  it("the default firewall4 ruleset: WAN rejects, LAN accepts", () => {
    const m = fw4("01_configuration/01_ruleset");
    // input (line 95, policy drop): established/related (100), SYN rate limit (101 -> syn_flood),
    // br-lan -> input_lan (102), pppoe-wan -> input_wan (103), then handle_reject (104).
    // input_wan (line 179) accepts DHCP renew (180), ping, IGMP, DHCPv6, MLD, ICMPv6, then
    // reject_from_wan -> handle_reject: TCP gets a reset (134), the rest port-unreachable (135).
    const wan = (port: number, protocol: "tcp" | "udp" = "tcp") =>
      analyzeInput(m, { port, protocol, interface: "pppoe-wan" });
    expect(wan(22)).toMatchObject({
      verdict: "dropped",
      decidedBy: {
        line: 134,
        chain: "handle_reject",
        chainPath: ["input", "input_wan", "reject_from_wan", "handle_reject"],
      },
    });
    expect(wan(53, "udp")).toMatchObject({ verdict: "dropped", decidedBy: { line: 135 } });
    expect(wan(68, "udp")).toMatchObject({ verdict: "accepted", decidedBy: { line: 180 } });
    expect(analyzeInput(m, { port: 22, interface: "br-lan" })).toMatchObject({
      verdict: "accepted",
      decidedBy: { line: 172, chain: "accept_from_lan" },
    });
    // not knowing the interface, the answer depends on it
    expect(analyzeInput(m, { port: 22 }).verdict).toBe("unknown");
    expect(inputSummary(m).policy).toMatchObject({ policy: "drop", line: 96, chain: "input" });
  });

  it("port forwards: the redirected packet leaves the input path", () => {
    const m = fw4("03_rules/07_redirect");
    const ssh = analyzeInput(m, { port: 22, interface: "pppoe-wan" });
    expect(ssh.verdict).toBe("unknown");
    expect(ssh.reasons[0]).toMatch(/redirected by dnat to 192\.168\.26\.100:22: forwarded/);
  });
});
