/**
 * WiFi, VPN and central-authentication extraction from small UCI texts, the WiFi/VPN rules on the
 * project's insecure RUTX11 example, and what the real vendor defaults (shared corpus) yield.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditTarget } from "../src/audit/audit-target.js";
import { settingsFrom } from "../src/engine/profile.js";
import type { RuleResult, TargetReport } from "../src/engine/run.js";
import { extractRouterFacts } from "../src/extract/router/index.js";
import { wifiSecurity } from "../src/extract/router/wireless.js";
import type { Facts, Vpn, WifiFacts } from "../src/facts/model.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { routerBackup } from "./support/router-backup.js";

const SYSTEM = "config system\n\toption hostname 'r1'\n";
const NETWORK = `config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '10.77.3.1'
	option netmask '255.255.255.248'
`;

/** A complete backup over this file's system and network (see routerBackup). */
const tree = (files: Record<string, string>, opts: { complete?: boolean } = {}) =>
  routerBackup(files, { ...opts, base: { system: SYSTEM, network: NETWORK } });

const facts = (files: Record<string, string>, opts?: { complete?: boolean }): Facts =>
  extractRouterFacts(tree(files, opts));

function wifiOf(f: Facts): WifiFacts {
  if (!f.wifi.known) throw new Error(`wifi unknown: ${f.wifi.reason}`);
  return f.wifi.value;
}

function vpnsOf(f: Facts): Vpn[] {
  if (!f.vpns.known) throw new Error(`vpns unknown: ${f.vpns.reason}`);
  return f.vpns.value;
}

describe("wifiSecurity: OpenWrt encryption values (netifd's parsing)", () => {
  it.each([
    ["none", "open"],
    ["", "open"],
    ["owe", "owe"],
    ["wep-open", "wep"],
    ["wep-shared", "wep"],
    ["8021x", "wep"],
    ["psk", "wpa-tkip"],
    ["psk+ccmp", "wpa-tkip"],
    ["psk+tkip", "wpa-tkip"],
    ["wpa", "wpa-tkip"],
    ["psk-mixed", "wpa-mixed"],
    ["psk-mixed+tkip+ccmp", "wpa-mixed"],
    ["wpa-mixed", "wpa-mixed"],
    ["psk2", "wpa2-ccmp"],
    ["psk2+ccmp", "wpa2-ccmp"],
    ["psk2+aes", "wpa2-ccmp"],
    ["PSK2+CCMP", "wpa2-ccmp"],
    ["psk2+tkip", "wpa-tkip"],
    ["psk2+tkip+ccmp", "wpa-tkip"],
    ["sae", "wpa3"],
    ["psk3", "wpa3"],
    ["sae-mixed", "wpa2-wpa3"],
    ["psk3-mixed", "wpa2-wpa3"],
    ["wpa2", "wpa2-enterprise"],
    ["wpa2+ccmp", "wpa2-enterprise"],
    ["wpa2+tkip", "wpa-tkip"],
    ["wpa3", "wpa3-enterprise"],
    ["wpa3-192", "wpa3-enterprise"],
    ["wpa3-mixed", "wpa2-enterprise"],
    ["frobnicate", "unknown"],
  ])("%s → %s", (raw, want) => {
    expect(wifiSecurity(raw)).toBe(want);
  });
});

const WIRELESS = `config wifi-device 'radio0'
	option type 'mac80211'
	option hwmode '11g'
	option txpower '12'

config wifi-device 'radio1'
	option type 'mac80211'
	option band '5g'
	option disabled '1'

config wifi-iface 'ap0'
	option device 'radio0'
	option network 'lan'
	option mode 'ap'
	option ssid 'Plant'
	option encryption 'psk2+ccmp'
	option key 'Sunny-Owl-Gravel-Lantern-42'
	option hidden '1'
	option macfilter 'allow'
	list maclist '00:11:22:33:44:55'

config wifi-iface
	option device 'radio0'
	option mode 'sta'
	option ssid 'Upstream'
	option encryption 'psk-mixed'
	option key 'warehouse1'

config wifi-iface 'ap1'
	option device 'radio1'
	option mode 'ap'
	option ssid 'Plant5'
	option encryption 'sae'
	option key 'warehouse1'

config wifi-iface 'ghost'
	option device 'radio9'
	option ssid 'Nowhere'
`;

describe("extractWireless", () => {
  const f = facts({ wireless: WIRELESS });
  const wifi = wifiOf(f);

  it("reads radios: on/off, TX power in dBm, band from hwmode or band", () => {
    expect(wifi.radios.map((r) => [r.name, r.enabled, r.txPower, r.band])).toEqual([
      ["radio0", true, 12, "2g"],
      ["radio1", false, undefined, "5g"],
    ]);
    expect(wifi.radios[0]?.at.map((o) => "excerpt" in o && o.excerpt)).toEqual([
      "option disabled not set: defaults to '0'",
      "option txpower '12'",
    ]);
    expect(wifi.radios[0]?.cfg).toEqual({
      language: "uci",
      package: "wireless",
      section: "radio0",
      sectionType: "wifi-device",
    });
  });

  it("reads networks: mode, security, hidden, MAC filter, and whether they can come up", () => {
    expect(
      wifi.networks.map((n) => [
        n.id,
        n.ssid,
        n.mode,
        n.security,
        n.hidden,
        n.macFilter,
        n.enabled,
      ]),
    ).toEqual([
      ["ap0", "Plant", "ap", "wpa2-ccmp", true, "allow", true],
      ["@wifi-iface[1]", "Upstream", "sta", "wpa-mixed", false, "none", true],
      // on a disabled radio, and on a radio that does not exist: neither comes up
      ["ap1", "Plant5", "ap", "wpa3", false, "none", false],
      ["ghost", "Nowhere", "ap", "open", false, "none", false],
    ]);
    expect(wifi.networks[1]?.encryptionRaw).toBe("psk-mixed");
    expect(wifi.networks[1]?.cfg?.section).toBe("@wifi-iface[1]");
  });

  it("keeps only the passphrase's qualities, and notices reuse", () => {
    const [ap0, sta, ap1] = wifi.networks;
    expect(ap0?.key).toMatchObject({ length: 27, isDefault: false, reusedWith: [] });
    expect(ap0?.key?.strength).toBeGreaterThanOrEqual(3);
    expect(sta?.key).toMatchObject({ length: 10, reusedWith: ["WiFi key of 'Plant5'"] });
    expect(ap1?.key?.reusedWith).toEqual(["WiFi key of 'Upstream'"]);
    const keyOrigin = ap0?.at.find((o) => "excerpt" in o && o.excerpt?.startsWith("option key"));
    expect(keyOrigin).toMatchObject({ line: 17, excerpt: "option key <secret not shown>" });
  });

  it("never lets a passphrase into the facts", () => {
    const text = JSON.stringify(f);
    expect(text).not.toContain("Sunny-Owl-Gravel-Lantern-42");
    expect(text).not.toContain("warehouse1");
  });

  it("a complete backup without etc/config/wireless has no WiFi (known, empty)", () => {
    const g = facts({});
    expect(g.wifi.known).toBe(true);
    expect(wifiOf(g)).toEqual({ radios: [], networks: [] });
    expect(g.wifi.at[0]).toMatchObject({ file: "backup.tar.gz!etc/config/wireless" });
  });

  it("a partial input without it cannot tell", () => {
    const g = facts({ network: NETWORK }, { complete: false });
    expect(g.wifi).toMatchObject({ known: false, reason: "no etc/config/wireless in the input" });
  });

  it("a broken wireless file is unknown, with the file and line", () => {
    const g = facts({ wireless: "config wifi-device 'radio0'\n\toption 'unterminated\n" });
    expect(g.wifi.known).toBe(false);
    if (!g.wifi.known)
      expect(g.wifi.reason).toMatch(/etc\/config\/wireless could not be read .*:2:/);
  });
});

const VPN_NETWORK = `${NETWORK}
config interface 'pptp_office'
	option proto 'pptp'
	option server 'vpn.example.org'
	option username 'u'
	option password 'Pptp-Secret-77'

config interface 'l2tp_hq'
	option proto 'l2tp'
	option server 'hq.example.org'

config interface 'l2tp_plain'
	option proto 'l2tp'
	option server 'other.example.org'
	option disabled '1'

config interface 'gre1'
	option proto 'gre'
	option peeraddr '192.0.2.9'
	list services 'ipsec'

config interface 'gre2'
	option proto 'gretap'
	option peeraddr '192.0.2.10'
	option auto '0'

config interface 'wg0'
	option proto 'wireguard'
	option private_key 'c2VjcmV0LWtleS1ub3Qtc2hvd24tYW55d2hlcmUtMTIzNDU2Nzg='
	option listen_port '51820'

config wireguard_wg0
	option public_key 'cGVlcg=='

config interface 'wg1'
	option proto 'wireguard'

config wireguard_wg1
	option public_key 'cGVlcg=='
	option endpoint_host 'hub.example.org'
`;

/** RutOS 7 strongSwan UCI: a remote, its connection (<remote>_c) carrying L2TP via bind_to. */
const VPN_IPSEC = `config ipsec 'global'
	option rtinstall_enabled '1'

config remote 'hq'
	option enabled '1'
	option gateway 'hq.example.org'
	option authentication_method 'psk'
	option pre_shared_key 'Ipsec-Secret-1'

config connection 'hq_c'
	option mode 'start'
	option type 'transport'
	option bind_to 'l2tp_hq'

config remote 'road'
	option gateway '%any'
`;

const VPN_OPENVPN = `config webui 'webui'
	option auth_mode 'tls'

config openvpn 'client_office'
	option enable '1'
	option type 'client'

config openvpn 'srv'
	option enabled '1'
	option mode 'server'

config openvpn 'old'
	option config '/etc/openvpn/old.conf'
`;

const VPN_PPTPD = `config service 'pptpd'
	option enabled '1'
	option type 'server'
	option localip '192.168.0.1'

config login
	option username 'a'
	option password 'b'
`;

const VPN_XL2TPD = `config service 'l2srv'
	option enabled '1'
	option type 'server'

config service 'l2client'
	option enabled '1'
	option type 'client'
`;

describe("extractVpn", () => {
  const f = facts({
    network: VPN_NETWORK,
    ipsec: VPN_IPSEC,
    openvpn: VPN_OPENVPN,
    pptpd: VPN_PPTPD,
    xl2tpd: VPN_XL2TPD,
    "etc/openvpn/old.conf": "client\ndev tun\nremote vpn.example.org 1194\n",
  });
  const vpns = vpnsOf(f);
  const row = (v: Vpn) => [v.name, v.type, v.role, v.enabled, v.weak];

  it("finds tunnels in network, openvpn, ipsec, pptpd and xl2tpd", () => {
    expect(vpns.map(row)).toEqual([
      ["pptp_office", "pptp", "client", true, true],
      // carried by the enabled IPsec remote 'hq' (connection hq_c, bind_to)
      ["l2tp_hq", "l2tp-ipsec", "client", true, false],
      ["l2tp_plain", "l2tp", "client", false, true],
      // GRE listing services 'ipsec' (RutOS GRE over IPsec), and a plain one not started (auto 0)
      ["gre1", "gre", "peer", true, false],
      ["gre2", "gre", "peer", false, true],
      ["wg0", "wireguard", "server", true, false],
      ["wg1", "wireguard", "client", true, false],
      ["client_office", "openvpn", "client", true, false],
      ["srv", "openvpn", "server", true, false],
      // role read from the config file it names; off: neither enable nor enabled
      ["old", "openvpn", "client", false, false],
      ["hq", "ipsec", "client", true, false],
      ["road", "ipsec", "server", false, false],
      ["pptpd", "pptp", "server", true, true],
      // an xl2tpd server no IPsec connection binds to; the client section is not a server
      ["l2srv", "l2tp", "server", true, true],
    ]);
  });

  it("cites the lines that decided, never a secret", () => {
    const l2tp = vpns.find((v) => v.name === "l2tp_hq");
    expect(l2tp?.at.map((o) => "excerpt" in o && o.excerpt)).toEqual([
      "option proto 'l2tp'",
      "option bind_to 'l2tp_hq'",
    ]);
    expect(vpns.find((v) => v.name === "road")?.at[0]).toMatchObject({
      excerpt: "option enabled not set: defaults to '0'",
      implied: true,
    });
    const text = JSON.stringify(f.vpns);
    for (const secret of ["Pptp-Secret-77", "Ipsec-Secret-1", "c2VjcmV0LWtleS"])
      expect(text).not.toContain(secret);
  });

  it("an xl2tpd server bound to an enabled IPsec connection is L2TP/IPsec", () => {
    const g = facts({
      xl2tpd: VPN_XL2TPD,
      ipsec:
        "config remote 'srv'\n\toption enabled '1'\n\nconfig connection 'srv_c'\n\toption bind_to 'l2srv'\n",
    });
    expect(vpnsOf(g).map(row)).toEqual([
      ["srv", "ipsec", "server", true, false],
      ["l2srv", "l2tp-ipsec", "server", true, false],
    ]);
  });

  it("a binding through a disabled IPsec remote protects nothing", () => {
    const g = facts({
      network: `${NETWORK}\nconfig interface 'l2'\n\toption proto 'l2tp'\n`,
      ipsec:
        "config remote 'x'\n\toption enabled '0'\n\nconfig connection 'x_c'\n\toption bind_to 'l2'\n",
    });
    expect(vpnsOf(g).find((v) => v.name === "l2")).toMatchObject({ type: "l2tp", weak: true });
  });

  it("a complete backup without any VPN: known and empty, saying what is not installed", () => {
    const g = facts({});
    expect(vpnsOf(g)).toEqual([]);
    expect(g.vpns.at.map((o) => "excerpt" in o && o.excerpt)).toContain(
      "not installed (absent from a complete backup): openvpn, ipsec, pptpd, xl2tpd, zerotier, racoon",
    );
  });

  it("a partial input: what network says, noting the packages it lacks", () => {
    const g = facts({ network: VPN_NETWORK }, { complete: false });
    expect(vpnsOf(g).map((v) => v.name)).toContain("pptp_office");
    expect(g.vpns.at.map((o) => "excerpt" in o && o.excerpt)).toContain(
      "not in this partial input (they may exist on the device): openvpn, ipsec, pptpd, xl2tpd, zerotier, racoon",
    );
  });

  it("a partial input without network, or a broken VPN file: unknown", () => {
    expect(facts({ openvpn: VPN_OPENVPN }, { complete: false }).vpns).toMatchObject({
      known: false,
      reason: "no etc/config/network in the input",
    });
    const broken = facts({ ipsec: "config remote 'x\n" }).vpns;
    expect(broken.known).toBe(false);
    if (!broken.known) expect(broken.reason).toMatch(/etc\/config\/ipsec could not be read/);
  });
});

describe("extractCentralAuth", () => {
  it("finds RADIUS/TACACS+/LDAP auth lines in PAM, secrets masked", () => {
    const g = facts({
      "etc/pam.d/sshd":
        "# TACACS+ first\nauth sufficient pam_tacplus.so server=10.0.0.5 secret=Tac-Secret-9 login=pap\nauth required pam_unix.so\naccount required pam_radius_auth.so\n",
      "etc/pam.d/login":
        "auth [success=1 default=ignore] pam_radius_auth.so\n-auth optional pam_ldap.so\n",
    });
    expect(g.centralAuth.known).toBe(true);
    if (!g.centralAuth.known) return;
    expect(g.centralAuth.value.map((c) => [c.protocol, c.enabled])).toEqual([
      ["radius", true],
      ["ldap", true],
      ["tacacs", true],
    ]);
    expect(g.centralAuth.value[2]?.at[0]).toMatchObject({
      file: "backup.tar.gz!etc/pam.d/sshd",
      line: 2,
      excerpt: "auth sufficient pam_tacplus.so server=10.0.0.5 secret=<secret not shown> login=pap",
    });
    expect(JSON.stringify(g)).not.toContain("Tac-Secret-9");
  });

  it("does not count WPA-Enterprise RADIUS as administrators' authentication", () => {
    const g = facts({
      wireless:
        "config wifi-device 'radio0'\n\nconfig wifi-iface 'e'\n\toption device 'radio0'\n\toption encryption 'wpa2'\n\toption auth_server '10.0.0.7'\n",
    });
    expect(g.centralAuth).toMatchObject({ known: true, value: [] });
    expect(wifiOf(g).networks[0]?.security).toBe("wpa2-enterprise");
  });

  it("unknown in a partial input", () => {
    expect(facts({ network: NETWORK }, { complete: false }).centralAuth.known).toBe(false);
  });
});

// --- the project's insecure example, as a folder and as a backup archive ---

const EXAMPLE = join(import.meta.dirname, "..", "examples");
const settings = settingsFrom({});
const now = new Date("2026-11-21T00:00:00Z");

const results = (r: TargetReport, rule: string): RuleResult[] =>
  r.results.filter((x) => x.rule === rule);
const bySubject = (r: TargetReport, rule: string): Record<string, string> =>
  Object.fromEntries(results(r, rule).map((x) => [x.subject ?? "", x.status]));

describe.each([
  ["folder", join(EXAMPLE, "rutx11-insecure")],
  ["backup", join(EXAMPLE, "backup-RUTX11-insecure.tar.gz")],
])("WiFi and VPN findings on the insecure RUTX11 example (%s)", (_kind, path) => {
  let r: TargetReport;
  it("audits", async () => {
    r = await auditTarget(path, settings, undefined, now);
    expect(r.error).toBeUndefined();
  });

  it("fails the open guest network and the WPA/WPA2 mixed one", () => {
    expect(bySubject(r, "wifi-encryption-strong")).toEqual({
      "WiFi 'RUTX11_Warehouse' on radio0": "fail",
      "WiFi 'Warehouse-Guest' on radio1": "fail",
    });
    const open = results(r, "wifi-encryption-strong")[1];
    expect(open?.severity).toBe("critical");
    expect(open?.evidence[0]).toMatchObject({ line: 30, excerpt: "option encryption 'none'" });
    expect(open?.remediation?.commands?.lines).toEqual([
      "uci set wireless.default_radio1.encryption='psk2+ccmp'",
      "uci set wireless.default_radio1.key='<NEW-PASSPHRASE: 20+ random characters>'",
      "uci commit wireless",
      "wifi reload",
    ]);
    expect(results(r, "wifi-encryption-strong")[0]?.message).toMatch(/mixed mode.*'psk-mixed'/);
  });

  it("fails the weak passphrase without ever printing it", () => {
    const [k] = results(r, "wifi-key-strength");
    expect(results(r, "wifi-key-strength")).toHaveLength(1);
    expect(k).toMatchObject({ status: "fail", subject: "WiFi 'RUTX11_Warehouse' on radio0" });
    expect(k?.message).toMatch(/only 10 characters/);
    expect(k?.evidence[0]).toMatchObject({ line: 15, excerpt: "option key <secret not shown>" });
    expect(JSON.stringify(r)).not.toContain("warehouse1");
  });

  it("fails the enabled PPTP client, with the UCI fix", () => {
    const [p] = results(r, "vpn-no-weak-protocols");
    expect(results(r, "vpn-no-weak-protocols")).toHaveLength(1);
    expect(p).toMatchObject({ status: "fail", subject: "PPTP client 'pptp_office'" });
    expect(p?.remediation?.commands?.lines).toEqual([
      "uci set network.pptp_office.disabled='1'",
      "uci commit network",
      "/etc/init.d/network reload",
    ]);
    expect(JSON.stringify(r)).not.toContain("Pptp-Secret-77");
  });

  it("fails remote access: services exposed and only a weak VPN", () => {
    const ra = results(r, "remote-access-via-vpn");
    expect(ra.map((x) => x.status)).toEqual(["fail", "fail", "fail"]);
    expect(ra[0]?.message).toMatch(
      /SSH .* reachable from the internet on 22\/tcp .*only VPN is weak \(PPTP/,
    );
  });

  it("asks about WiFi, keeps the broadcast SSID (teltonika profile), flags full TX power", () => {
    expect(results(r, "wifi-disabled-if-unused").map((x) => x.status)).toEqual([
      "manual",
      "manual",
    ]);
    expect(results(r, "wifi-ssid-visibility").map((x) => x.status)).toEqual(["pass", "pass"]);
    expect(results(r, "wifi-ssid-visibility")[0]?.message).toMatch(/RBT-08.*TEL-11/);
    expect(bySubject(r, "wifi-txpower-reduced")).toEqual({
      "radio radio0 (2g)": "fail",
      "radio radio1 (5g)": "fail",
    });
    expect(results(r, "wifi-mac-allowlist-or-enterprise").map((x) => x.status)).toEqual([
      "fail",
      "fail",
    ]);
    expect(results(r, "central-authentication").map((x) => x.status)).toEqual(["fail"]);
  });

  it("under the robustel profile the broadcast SSIDs fail, naming the conflict", async () => {
    const rb = await auditTarget(path, settingsFrom({}, "robustel"), undefined, now);
    const vis = results(rb, "wifi-ssid-visibility");
    expect(vis.map((x) => x.status)).toEqual(["fail", "fail"]);
    expect(vis[0]?.message).toMatch(/Robustel \(RBT-08\).*Teltonika \(TEL-11\)/);
    expect(vis[0]?.remediation?.commands?.lines[0]).toBe(
      "uci set wireless.default_radio0.hidden='1'",
    );
  });

  it("an attestation turns the WiFi question into a pass", async () => {
    const att = settingsFrom({
      attestations: [
        { rule: "wifi-disabled-if-unused", answer: "yes", by: "ops", at: "2026-11-01" },
      ],
    });
    const ra = await auditTarget(path, att, undefined, now);
    expect(results(ra, "wifi-disabled-if-unused").map((x) => x.status)).toEqual(["pass", "pass"]);
  });
});

// --- real vendor defaults ---

describeCorpus("WiFi/VPN facts of the RutOS factory defaults", () => {
  it("RUTX 7.20 SDK files (no network, no wireless): unknown, never a pass", async () => {
    const r = await auditTarget(
      corpusPath("rutos-defaults/rutx_00.07.20"),
      settings,
      undefined,
      now,
    );
    for (const rule of ["wifi-encryption-strong", "wifi-key-strength", "vpn-no-weak-protocols"])
      expect(results(r, rule).map((x) => x.status)).toEqual(["unknown"]);
    expect(results(r, "central-authentication").map((x) => x.status)).toEqual(["unknown"]);
  });

  it("legacy RUT9XX (a complete set): no wireless file, no VPN, local logins only", async () => {
    const r = await auditTarget(
      corpusPath("rutos-defaults/rut9xx_legacy_2020"),
      settings,
      undefined,
      now,
    );
    expect(results(r, "wifi-encryption-strong").map((x) => x.status)).toEqual(["not_applicable"]);
    expect(results(r, "vpn-no-weak-protocols")[0]).toMatchObject({
      status: "pass",
      message: "no VPN is configured, weak or otherwise",
    });
    expect(results(r, "central-authentication").map((x) => x.status)).toEqual(["fail"]);
  });
});
