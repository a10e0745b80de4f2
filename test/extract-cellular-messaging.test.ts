/**
 * SMS/call utilities, SIM limits, Events Reporting, package feeds, email and MQTT: extraction from
 * small UCI texts, the rules on them, the legacy RUT9XX defaults (shared corpus), and the findings
 * on the project's insecure RUTX11 example.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditTarget } from "../src/audit/audit-target.js";
import { DEFAULT_PROFILE, settingsFrom } from "../src/engine/profile.js";
import type { RuleResult } from "../src/engine/run.js";
import { triggerOf } from "../src/extract/router/events.js";
import { extractRouterFacts } from "../src/extract/router/index.js";
import { isOfficialFeed } from "../src/extract/router/packages.js";
import { isPrivilegedSmsAction } from "../src/extract/router/sms.js";
import type {
  CellularFacts,
  EmailAccount,
  EventRule,
  Facts,
  MqttEndpoint,
  PackageSourceFacts,
  SmsFacts,
} from "../src/facts/model.js";
import { CELLULAR_RULES } from "../src/rules/cellular/index.js";
import { ruleById } from "../src/rules/index.js";
import { MANUAL_RULES } from "../src/rules/manual/index.js";
import { MESSAGING_RULES } from "../src/rules/messaging/index.js";
import { MONITORING_RULES } from "../src/rules/monitoring/index.js";
import { PACKAGES_RULES } from "../src/rules/packages/index.js";
import type { Finding } from "../src/rules/types.js";
import { openInput } from "../src/sources/open-input.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { routerBackup } from "./support/router-backup.js";

const SYSTEM = "config system\n\toption hostname 'r1'\n";
const NETWORK = `config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'

config interface 'wan'
	option device 'eth1'
	option proto 'dhcp'

config interface 'mob1s1a1'
	option proto 'wwan'
	option modem '1-1'
	option sim '1'

config interface 'mob1s2a1'
	option proto 'wwan'
	option modem '1-1'
	option sim '2'
`;
const FIREWALL = `config defaults
	option input 'REJECT'
	option forward 'REJECT'
	option output 'ACCEPT'

config zone
	option name 'wan'
	option network 'wan mob1s1a1 mob1s2a1'
	option input 'REJECT'
	option forward 'REJECT'
`;
const RUTOS_VERSION = "RUTX_R_00.07.20\n";

/** A complete backup over this file's system and network (see routerBackup). */
const tree = (files: Record<string, string>, opts: { complete?: boolean } = {}) =>
  routerBackup(files, { ...opts, base: { system: SYSTEM, network: NETWORK } });

const facts = (files: Record<string, string>, opts?: { complete?: boolean }): Facts =>
  extractRouterFacts(tree(files, opts));

const ctx = { profile: DEFAULT_PROFILE, now: new Date("2026-11-21T00:00:00Z") };

function check(id: string, f: Facts): Finding[] {
  const rule = ruleById(id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule.check(f, ctx);
}

const statuses = (findings: Finding[]) => findings.map((x) => x.status);

function value<T>(fact: { known: boolean; value?: T; reason?: string }, what: string): T {
  if (!fact.known) throw new Error(`${what} unknown: ${fact.reason}`);
  return fact.value as T;
}

const smsOf = (f: Facts) => value<SmsFacts>(f.sms, "sms");
const cellOf = (f: Facts) => value<CellularFacts>(f.cellular, "cellular");
const eventsOf = (f: Facts) => value<EventRule[]>(f.events, "events");
const packagesOf = (f: Facts) => value<PackageSourceFacts>(f.packages, "packages");
const emailOf = (f: Facts) => value<EmailAccount[]>(f.email, "email");
const mqttOf = (f: Facts) => value<MqttEndpoint[]>(f.mqtt, "mqtt");

describe("SMS and call utilities", () => {
  const SMS = `config rule
	option action 'reboot'
	option enabled '1'
	option authorization 'local'
	option password 'Sms-Rule-Secret-81'
	option allowed_phone 'group'
	option group 'Admins'

config rule
	option action 'send_status'
	option enabled '1'
	option authorization 'password'
	option allowed_phone 'single'
	option tel '+37060000002'

config rule
	option action 'firstboot'
	option enabled '0'
	option authorization 'no'
	option allowed_phone 'all'

config rule
	option action 'set_configure'
	option authorisation 'no'
	option allowed_phone 'all'
`;
  const GROUPS = "config group\n\toption name 'Admins'\n\tlist tel '+37060000001'\n";

  it("reads rules: action, switch, authorization (both spellings), allowed senders, privilege", () => {
    const f = facts({ sms_utils: SMS, phone_groups: GROUPS, "etc/version": RUTOS_VERSION });
    const sms = smsOf(f);
    expect(sms.enabled).toBe(true);
    expect(sms.phoneGroups).toEqual(["Admins"]);
    expect(
      sms.rules.map((r) => [r.action, r.enabled, r.authorization, r.allowedPhones, r.privileged]),
    ).toEqual([
      ["reboot", true, "password", "group", true],
      ["send_status", true, "password", "single", false],
      ["firstboot", false, "none", "all", true],
      // No switch written: not shown to be off, so counted as on.
      ["set_configure", true, "none", "all", true],
    ]);
    expect(sms.rules[0]?.cfg).toEqual({
      language: "uci",
      package: "sms_utils",
      section: "@rule[0]",
      sectionType: "rule",
    });
    // The rule's own password is assessed, never kept or shown.
    expect(JSON.stringify(f)).not.toContain("Sms-Rule-Secret-81");
  });

  it("classifies actions: only status replies are read-only", () => {
    for (const a of [
      "send_status",
      "iostatus",
      "vpnstatus",
      "gps_coordinates",
      "monitoring_status",
    ])
      expect(isPrivilegedSmsAction(a), a).toBe(false);
    for (const a of [
      "reboot",
      "ssh_access",
      "web_access",
      "uci",
      "set_configure",
      "get_configure",
      "firstboot",
      "fw_upgrade",
      "change_mobile_settings",
      "vpn",
      "wifi",
      "mobile",
      "switch_sim",
      "something_new",
    ])
      expect(isPrivilegedSmsAction(a), a).toBe(true);
  });

  it("whitelisting: open rules fail, open without authorization is critical, the fix uses the group", () => {
    const f = facts({ sms_utils: SMS, phone_groups: GROUPS, "etc/version": RUTOS_VERSION });
    const findings = check("sms-commands-whitelisted", f);
    expect(statuses(findings)).toEqual(["pass", "pass", "fail"]);
    const open = findings[2];
    expect(open?.severity).toBe("critical");
    expect(open?.subject).toBe("SMS rule 'set_configure' (@rule[3])");
    expect(open?.fix?.commands?.lines).toEqual([
      "uci set sms_utils.@rule[3].allowed_phone='group'",
      "uci set sms_utils.@rule[3].group='Admins'",
      "uci set sms_utils.@rule[3].authorization='password'",
      "uci commit sms_utils",
      "/etc/init.d/sms_utils restart",
    ]);
    expect(statuses(check("sms-utilities-minimal", f))).toEqual(["fail", "fail"]);
  });

  it("without a phone group, the fix creates one (user_groups `phone` on later RutOS 7)", () => {
    const f = facts({
      sms_utils:
        "config rule\n\toption action 'reboot'\n\toption enabled '1'\n\toption authorization 'password'\n\toption allowed_phone 'all'\n",
      user_groups: "config email 'x'\n\toption smtp_ip 'smtp.example.com'\n",
      "etc/version": RUTOS_VERSION,
    });
    const lines = check("sms-commands-whitelisted", f)[0]?.fix?.commands?.lines ?? [];
    expect(lines.slice(0, 4)).toEqual([
      "uci add user_groups phone",
      "uci set user_groups.@phone[-1].name='admins'",
      "uci add_list user_groups.@phone[-1].tel='+000000000'",
      "uci commit user_groups",
    ]);
  });

  it("all rules off: SMS utilities pass as entirely disabled", () => {
    const f = facts({
      sms_utils:
        "config rule\n\toption action 'reboot'\n\toption enabled '0'\n\toption allowed_phone 'all'\n",
    });
    expect(statuses(check("sms-utilities-minimal", f))).toEqual(["pass"]);
    expect(check("sms-utilities-minimal", f)[0]?.message).toMatch(/entirely disabled/);
    expect(statuses(check("sms-commands-whitelisted", f))).toEqual(["pass"]);
  });

  it("missing sms_utils: not installed in a complete backup, unknown in a lone /etc/config", () => {
    const whole = facts({});
    expect(smsOf(whole).rules).toEqual([]);
    expect(smsOf(whole).enabled).toBe(false);
    expect(statuses(check("sms-commands-whitelisted", whole))).toEqual(["not_applicable"]);
    expect(statuses(check("call-utilities-disabled", whole))).toEqual(["not_applicable"]);
    const partial = facts({ network: NETWORK }, { complete: false });
    expect(partial.sms.known).toBe(false);
    expect(statuses(check("sms-utilities-minimal", partial))).toEqual(["unknown"]);
    expect(statuses(check("call-utilities-disabled", partial))).toEqual(["unknown"]);
  });

  it("call utilities: the legacy global switch, and RutOS 7 call rules", () => {
    const legacyOff = facts({ call_utils: "config call 'call'\n\toption enabled '0'\n" });
    expect(smsOf(legacyOff).callUtilities).toMatchObject({ known: true, value: false });
    expect(statuses(check("call-utilities-disabled", legacyOff))).toEqual(["pass"]);
    const rules = facts({
      call_utils:
        "config rule\n\toption action 'reboot'\n\toption enabled '1'\n\toption allowed_phone 'all'\n\nconfig rule\n\toption action 'mobile'\n\toption enabled '0'\n",
    });
    expect(smsOf(rules).callUtilities).toMatchObject({ known: true, value: true });
    const [finding] = check("call-utilities-disabled", rules);
    expect(finding?.status).toBe("fail");
    expect(finding?.fix?.commands?.lines[0]).toBe("uci set call_utils.@call[0].enabled='0'");
  });
});

describe("SIM count and limits", () => {
  it("RutOS 7: quota_limit per mobile interface, SMS limit per SIM section", () => {
    const f = facts({
      "etc/version": RUTOS_VERSION,
      firewall: FIREWALL,
      simcard: `config sim
	option modem '1-1'
	option position '1'
	option enable_sms_limit '1'
	option sms_limit_num '20'
	option sms_limit 'month'

config sim
	option modem '1-1'
	option position '2'
`,
      quota_limit: "config interface 'mob1s1a1'\n\toption enabled '1'\n\toption data_limit '500'\n",
    });
    const cell = cellOf(f);
    expect(cell.simCount).toBe(2);
    expect(cell.quotas.map((q) => [q.kind, q.scope, q.enabled])).toEqual([
      ["data", "mob1s1a1", true],
      ["data", "mob1s2a1", false],
      ["sms", "SIM1", true],
      ["sms", "SIM2", false],
    ]);
    const data = check("sim-data-limit", f);
    expect(statuses(data)).toEqual(["pass", "fail"]);
    // No quota_limit section for the second SIM's interface: the fix creates it.
    expect(data[1]?.fix?.commands?.lines.slice(0, 4)).toEqual([
      "uci set quota_limit.mob1s2a1=interface",
      "uci set quota_limit.mob1s2a1.enabled='1'",
      "uci set quota_limit.mob1s2a1.data_limit='1000'",
      "uci set quota_limit.mob1s2a1.period='month'",
    ]);
    const sms = check("sim-sms-limit", f);
    expect(statuses(sms)).toEqual(["pass", "fail"]);
    expect(sms[1]?.fix?.commands?.lines[0]).toBe("uci set simcard.@sim[1].enable_sms_limit='1'");
  });

  it("legacy firmware: data_limit prim/sec switches and sim_switch SMS limits", () => {
    const f = facts({
      sms_utils: "config rule\n\toption action 'send_status'\n\toption enabled '0'\n",
      simcard:
        "config sim1 'sim1'\n\toption proto '3g'\n\nconfig sim2 'sim2'\n\toption proto '3g'\n",
      data_limit:
        "config limit 'limit'\n\toption prim_enb_conn '1'\n\toption prim_conn_limit '200'\n",
      sim_switch: "config rules 'rules'\n\toption sms_limit_enable_sim1 '1'\n",
    });
    expect(f.device.platform).toMatchObject({ value: "rutos-legacy" });
    expect(cellOf(f).quotas.map((q) => [q.kind, q.scope, q.enabled])).toEqual([
      ["data", "SIM1", true],
      ["data", "SIM2", false],
      ["sms", "SIM1", true],
      ["sms", "SIM2", false],
    ]);
    expect(check("sim-data-limit", f)[1]?.fix?.commands?.lines).toEqual([
      "uci set data_limit.limit.sec_enb_conn='1'",
      "uci set data_limit.limit.sec_conn_limit='1000'",
      "uci set data_limit.limit.sec_conn_period='month'",
      "uci commit data_limit",
      "/etc/init.d/limit_guard restart",
    ]);
  });

  it("OpenWrt has no SIM limits: the operator-side cap needs an attestation", () => {
    const f = facts({
      network: "config interface 'wwan'\n\toption proto 'qmi'\n\toption device '/dev/cdc-wdm0'\n",
    });
    expect(f.device.platform).toMatchObject({ value: "openwrt" });
    expect(cellOf(f)).toEqual({ simCount: 1, quotas: [] });
    expect(statuses(check("sim-data-limit", f))).toEqual(["manual"]);
    expect(statuses(check("sim-sms-limit", f))).toEqual(["manual"]);
  });

  it("no mobile interface, no SIM: not applicable", () => {
    const f = facts({
      "etc/version": RUTOS_VERSION,
      network: "config interface 'lan'\n\toption proto 'static'\n",
    });
    expect(cellOf(f).simCount).toBe(0);
    expect(statuses(check("sim-data-limit", f))).toEqual(["not_applicable"]);
  });
});

describe("Events Reporting", () => {
  it.each([
    ["SSH", "", "login"],
    ["Web UI", "was successful", "login"],
    ["SSH/WebUI login", "", "login"],
    ["Login", "", "login"],
    ["Port state", "", "link"],
    ["Switch Events", "changed to DOWN", "link"],
    ["Ethernet", "", "link"],
    ["Link", "down", "link"],
    ["Topology changes", "", "link"],
    ["Config", "dropbear", "config"],
    ["Config change", "", "config"],
    ["Reboot", "web ui", "reboot"],
    ["Startup", "", "reboot"],
    ["SIM switch", "to SIM2", "sim"],
    ["Mobile Data", "data disconnected", "other"],
    ["Failover", "", "other"],
  ])("%s / %s -> %s", (event, mark, trigger) => {
    expect(triggerOf(event, mark)).toBe(trigger);
  });

  const EVENTS = `config rule
	option enable '1'
	option event 'SSH'
	option eventMark 'bad'
	option action 'sendEmail'

config rule
	option enable '0'
	option event 'Web UI'
	option eventMark 'all'
	option action 'sendSMS'

config rule
	option event 'Port state'
	option eventMark 'all'
	option action 'sendSMS'
`;

  it("reads rules: trigger, switch (off unless written), channel", () => {
    const ev = eventsOf(facts({ events_reporting: EVENTS, "etc/version": RUTOS_VERSION }));
    expect(ev.map((r) => [r.event, r.trigger, r.enabled, r.channel])).toEqual([
      ["SSH: bad", "login", true, "email"],
      ["Web UI", "login", false, "sms"],
      ["Port state", "link", false, "sms"],
    ]);
  });

  it("login reported: pass; link rule switched off: fail with the switch as fix", () => {
    const f = facts({ events_reporting: EVENTS, "etc/version": RUTOS_VERSION });
    expect(statuses(check("events-admin-login", f))).toEqual(["pass"]);
    const [link] = check("events-link-down", f);
    expect(link?.status).toBe("fail");
    expect(link?.fix?.commands?.lines).toEqual([
      "uci set events_reporting.@rule[2].enable='1'",
      "uci commit events_reporting",
      "reload_config",
    ]);
  });

  it("no events_reporting in a complete RutOS backup: no rule, fail; partial input: unknown", () => {
    const whole = facts({ "etc/version": RUTOS_VERSION });
    expect(eventsOf(whole)).toEqual([]);
    expect(statuses(check("events-admin-login", whole))).toEqual(["fail"]);
    // A partial input (no etc/config/system): absence says nothing.
    const partial = facts({ network: NETWORK, "etc/version": RUTOS_VERSION }, { complete: false });
    expect(statuses(check("events-admin-login", partial))).toEqual(["unknown"]);
    // OpenWrt has no Events Reporting at all: monitoring elsewhere needs an attestation.
    const openwrt = facts({ "etc/openwrt_release": "DISTRIB_RELEASE='23.05.5'\n" });
    expect(statuses(check("events-admin-login", openwrt))).toEqual(["manual"]);
  });
});

describe("package feeds and signatures", () => {
  it("reads opkg feeds, comments and check_signature", () => {
    const f = facts({
      "etc/opkg.conf":
        "dest root /\nlists_dir ext /var/opkg-lists\noption overlay_root /overlay\noption check_signature\n",
      "etc/opkg/distfeeds.conf":
        "src/gz openwrt_core https://downloads.openwrt.org/releases/23.05.5/targets/ramips/mt7621/packages\n# src/gz old http://old.example.org/x\nsrc/gz openwrt_base https://downloads.openwrt.org/releases/23.05.5/packages/mipsel_24kc/base\n",
      "etc/opkg/customfeeds.conf":
        "# add your custom package feeds here\n#\n# src/gz example_feed_name http://www.example.com/path/to/files\nsrc/gz mine http://repo.example.net/feed\n",
    });
    const pk = packagesOf(f);
    expect(pk.signatureCheck).toMatchObject({ known: true, value: true });
    expect(pk.feeds.map((x) => [x.name, x.official])).toEqual([
      ["mine", false],
      ["openwrt_core", true],
      ["openwrt_base", true],
    ]);
    const findings = check("package-feeds-trusted", f);
    expect(statuses(findings)).toEqual(["fail", "pass", "pass"]);
    expect(findings[0]?.fix?.commands).toEqual({
      language: "shell",
      lines: ["sed -i '4s|^|# |' /etc/opkg/customfeeds.conf", "opkg update"],
    });
    expect(statuses(check("package-signature-check", f))).toEqual(["pass"]);
  });

  it("official hosts only: openwrt.org and Teltonika", () => {
    expect(isOfficialFeed("https://downloads.openwrt.org/x")).toBe(true);
    expect(isOfficialFeed("http://opkg.teltonika-networks.com/abc")).toBe(true);
    expect(isOfficialFeed("https://openwrt.org.evil.example/x")).toBe(false);
    expect(isOfficialFeed("https://mirror.example.com/openwrt/")).toBe(false);
    expect(isOfficialFeed("%U")).toBe(false);
  });

  it("check_signature absent or 0: signatures not verified; vendor feed over HTTP then high", () => {
    const f = facts({
      "etc/opkg.conf": "dest root /\noption check_signature 0\n",
      "etc/opkg/teltonikafeeds.conf":
        "src/gz tlt_packages http://opkg.teltonika-networks.com/f9345d3b\n",
    });
    const pk = packagesOf(f);
    expect(pk.signatureCheck).toMatchObject({ known: true, value: false });
    const [sig] = check("package-signature-check", f);
    expect(sig?.fix?.commands?.lines).toEqual([
      "sed -i '2s/.*/option check_signature/' /etc/opkg.conf",
      "opkg update",
    ]);
    const [feed] = check("package-feeds-trusted", f);
    expect([feed?.status, feed?.severity]).toEqual(["fail", "high"]);
    const absent = packagesOf(facts({ "etc/opkg.conf": "dest root /\n" }));
    expect(absent.signatureCheck).toMatchObject({ known: true, value: false });
  });

  it("apk (OpenWrt 25): repositories.d lists, signatures on unless allow-untrusted", () => {
    const list =
      "https://downloads.openwrt.org/releases/25.12.0/packages/aarch64_cortex-a53/base/packages.adb\n";
    const ok = packagesOf(facts({ "etc/apk/repositories.d/distfeeds.list": list }));
    expect(ok.feeds.map((x) => [x.name, x.official])).toEqual([["base", true]]);
    expect(ok.signatureCheck).toMatchObject({ known: true, value: true });
    const untrusted = packagesOf(
      facts({
        "etc/apk/repositories.d/distfeeds.list": list,
        "etc/apk/config": "allow-untrusted\n",
      }),
    );
    expect(untrusted.signatureCheck).toMatchObject({ known: true, value: false });
  });

  it("no package manager configuration: unknown, never a pass", () => {
    const f = facts({});
    expect(f.packages.known).toBe(false);
    expect(statuses(check("package-feeds-trusted", f))).toEqual(["unknown"]);
    expect(statuses(check("package-signature-check", f))).toEqual(["unknown"]);
  });
});

describe("email accounts", () => {
  const USER_GROUPS = `config email 'tls'
	option name 'tls'
	option smtp_ip 'smtp.example.com'
	option smtp_port '465'
	option secure_conn '1'
	option credentials '1'
	option username 'a@example.com'
	option password 'Mail-Secret-42'

config email 'starttls'
	option name 'starttls'
	option smtp_ip 'smtp.example.com'
	option smtp_port '587'
	option secure_conn '1'
	option credentials '1'
	option username 'b@example.com'
	option password 'Mail-Secret-43'

config email 'plain'
	option name 'plain'
	option smtp_ip 'relay.example.com'
`;

  it("reads server, port, TLS mode and login; the password never leaves", () => {
    const f = facts({ user_groups: USER_GROUPS });
    expect(emailOf(f).map((a) => [a.name, a.port, a.tls, a.authenticated])).toEqual([
      ["tls", 465, "tls", true],
      ["starttls", 587, "starttls", true],
      ["plain", undefined, "none", false],
    ]);
    expect(emailOf(f)[0]?.verifiesCertificate.known).toBe(false);
    const json = JSON.stringify(f);
    expect(json).not.toContain("Mail-Secret-42");
    expect(json).not.toContain("Mail-Secret-43");
    const findings = check("smtp-tls", f);
    expect(statuses(findings)).toEqual(["pass", "pass", "fail"]);
    expect(findings[2]?.fix?.commands?.lines).toEqual([
      "uci set user_groups.plain.secure_conn='1'",
      "uci set user_groups.plain.smtp_port='465'",
      "uci commit user_groups",
      "reload_config",
    ]);
  });
});

describe("MQTT", () => {
  const ALLOW_MQTT = `${FIREWALL}
config rule
	option name 'Allow-MQTT'
	option src 'wan'
	option dest_port '1883'
	list proto 'tcp'
	option target 'ACCEPT'
`;

  it("RutOS broker: listeners, TLS, anonymous access; each listener is an mqtt service", () => {
    const f = facts({
      "etc/version": RUTOS_VERSION,
      firewall: ALLOW_MQTT,
      mosquitto: `config mqtt 'mqtt'
	option enabled '1'
	list local_port '1883'
	list local_port '8883'
	option use_tls_ssl '1'
	option tls_type 'cert'
	option anonymous_access '0'
`,
    });
    const eps = mqttOf(f);
    expect(eps.map((e) => [e.name, e.role, e.enabled, e.tls.known && e.tls.value, e.port])).toEqual(
      [
        ["MQTT broker (mosquitto), port 1883", "broker", true, true, 1883],
        ["MQTT broker (mosquitto), port 8883", "broker", true, true, 8883],
      ],
    );
    const svcs = f.services.filter((s) => s.kind === "mqtt");
    expect(svcs.map((s) => [s.id, s.admin])).toEqual([
      ["mqtt-broker", false],
      ["mqtt-broker-8883", false],
    ]);
    // The WAN derivation sees the broker: 1883 is let in from the internet, 8883 is not.
    expect(svcs.map((s) => s.wan.known && s.wan.value.reachable)).toEqual([true, false]);
    expect(statuses(check("mqtt-tls", f))).toEqual(["pass", "pass"]);
    expect(statuses(check("mqtt-broker-auth", f))).toEqual(["pass", "pass"]);
  });

  it("plain anonymous broker on the internet: both MQTT rules fail as critical", () => {
    const f = facts({
      "etc/version": RUTOS_VERSION,
      firewall: ALLOW_MQTT,
      mosquitto:
        "config mqtt 'mqtt'\n\toption enabled '1'\n\toption local_port '1883'\n\toption anonymous_access '1'\n",
    });
    const [tls] = check("mqtt-tls", f);
    const [auth] = check("mqtt-broker-auth", f);
    expect([tls?.status, tls?.severity]).toEqual(["fail", "critical"]);
    expect([auth?.status, auth?.severity]).toEqual(["fail", "critical"]);
    expect(auth?.fix?.commands?.lines).toEqual([
      "uci set mosquitto.mqtt.anonymous_access='0'",
      "uci commit mosquitto",
      "/etc/init.d/mosquitto restart",
    ]);
  });

  it("RutOS: bridges (only with topics), custom configuration, the disabled default", () => {
    const f = facts({
      mosquitto: `config mqtt 'mqtt'
	option enabled '1'
	option local_port '1883'
	option use_tls_ssl '1'

config bridge
	option connection_name 'cloud'
	option client_enabled '1'
	option remote_addr 'broker.example.com'
	option remote_port '1883'

config topic
	option connection_name 'cloud'
	option topic 'plant/#'
`,
    });
    const bridge = mqttOf(f).find((e) => e.role === "bridge");
    expect(bridge).toMatchObject({ enabled: true, tls: { known: true, value: false }, port: 1883 });
    expect(statuses(check("mqtt-tls", f))).toEqual(["pass", "fail"]);
    expect(check("mqtt-tls", f)[1]?.fix?.commands?.lines[0]).toBe(
      "uci set mosquitto.@bridge[0].use_remote_tls='1'",
    );

    const custom = facts({
      mosquitto: "config mqtt 'mqtt'\n\toption enabled '1'\n\toption custom_enabled '1'\n",
    });
    expect(statuses(check("mqtt-tls", custom))).toEqual(["unknown"]);
    expect(statuses(check("mqtt-broker-auth", custom))).toEqual(["unknown"]);

    const off = facts({ mosquitto: "config mqtt 'mqtt'\n" });
    expect(mqttOf(off)[0]?.enabled).toBe(false);
    expect(statuses(check("mqtt-tls", off))).toEqual(["pass"]);
  });

  it("OpenWrt broker from UCI (use_uci) and from mosquitto.conf", () => {
    const uci = facts({
      mosquitto: `config owrt 'owrt'
	option use_uci '1'

config mosquitto 'mosquitto'
	option allow_anonymous '1'

config listener
	option port '8883'
	option certfile '/etc/mosquitto/server.crt'
	option keyfile '/etc/mosquitto/server.key'

config listener
	option port '1883'
	option no_remote_access '1'
`,
    });
    expect(
      mqttOf(uci).map((e) => [
        e.port,
        e.tls.known && e.tls.value,
        e.anonymous?.known && e.anonymous.value,
      ]),
    ).toEqual([
      [8883, true, true],
      [1883, false, true],
    ]);
    expect(uci.services.filter((s) => s.kind === "mqtt").map((s) => s.bind)).toMatchObject([
      { value: "any" },
      { value: "loopback" },
    ]);
    expect(statuses(check("mqtt-broker-auth", uci))).toEqual(["fail", "fail"]);

    const conf = facts({
      mosquitto: "config owrt 'owrt'\n\toption use_uci '0'\n",
      "etc/mosquitto/mosquitto.conf":
        "# local\nlistener 1883 127.0.0.1\n\nlistener 8883\ncertfile /etc/mosquitto/s.crt\nkeyfile /etc/mosquitto/s.key\nallow_anonymous false\n",
    });
    expect(mqttOf(conf).map((e) => [e.port, e.tls.known && e.tls.value])).toEqual([
      [1883, false],
      [8883, true],
    ]);
    expect(statuses(check("mqtt-broker-auth", conf))).toEqual(["pass", "pass"]);
  });

  it("clients: RMS is TLS, MQTT Publisher and the legacy Modbus gateway are checked, loopback skipped", () => {
    const f = facts({
      rms_mqtt:
        "config rms_mqtt 'rms_mqtt'\n\toption enable '1'\n\toption remote 'rms.teltonika.lt'\n\toption port '15009'\n",
      mqtt_pub:
        "config mqtt_pub 'mqtt_pub'\n\toption enabled '1'\n\toption remote_addr 'broker.example.com'\n\toption remote_port '1883'\n\toption tls '0'\n",
      modbusgateway:
        "config gateway 'gateway'\n\toption enabled '1'\n\toption host '127.0.0.1'\n\toption port '1883'\n",
    });
    const eps = mqttOf(f);
    expect(eps.map((e) => [e.purpose, e.role, e.tls.known && e.tls.value])).toEqual([
      ["rms", "client", true],
      ["data", "client", false],
    ]);
    expect(statuses(check("mqtt-tls", f))).toEqual(["pass", "fail"]);
    expect(statuses(check("mqtt-broker-auth", f))).toEqual(["not_applicable"]);

    const gw = facts({
      modbusgateway:
        "config gateway 'gateway'\n\toption enabled '1'\n\toption host '10.0.0.5'\n\toption port '1883'\n",
    });
    expect(mqttOf(gw).map((e) => [e.purpose, e.tls.known && e.tls.value])).toEqual([
      ["modbus", false],
    ]);
    expect(check("mqtt-tls", gw)[0]?.fix?.summary).toMatch(/no TLS option/);
  });

  it("no mosquitto in a partial input: unknown", () => {
    const f = facts({ network: NETWORK }, { complete: false });
    expect(statuses(check("mqtt-tls", f))).toEqual(["unknown"]);
  });
});

describeCorpus("legacy RUT9XX defaults (sms_utils, call_utils, rms_connect_mqtt)", () => {
  it("every SMS rule accepts all numbers; set_configure without authorization is critical", async () => {
    const f = extractRouterFacts(
      await openInput(corpusPath("rutos-defaults", "rut9xx_legacy_2020")),
    );
    expect(f.device.platform).toMatchObject({ value: "rutos-legacy" });
    const sms = smsOf(f);
    expect(sms.rules.length).toBe(28);
    expect(sms.rules.every((r) => r.enabled && r.allowedPhones === "all")).toBe(true);
    const setConf = sms.rules.find((r) => r.action === "set_configure");
    expect(setConf).toMatchObject({ authorization: "none", privileged: true });

    const findings = check("sms-commands-whitelisted", f);
    expect(findings).toHaveLength(28);
    expect(findings.every((x) => x.status === "fail")).toBe(true);
    const critical = findings.filter((x) => x.severity === "critical");
    expect(critical.map((x) => x.subject)).toEqual(["SMS rule 'set_configure' (@rule[17])"]);
    // The legacy spelling of the option in the fix.
    expect(critical[0]?.fix?.commands?.lines).toContain(
      "uci set sms_utils.@rule[17].authorisation='password'",
    );
    // 28 rules, 21 of them privileged (status, iostatus, vpnstatus, list_of_profile,
    // gps_coordinates, monitoring_status and more only report).
    const minimal = check("sms-utilities-minimal", f);
    expect(minimal).toHaveLength(21);
    expect(minimal.filter((x) => x.severity === "critical").map((x) => x.subject)).toEqual([
      "SMS rule 'set_configure' (@rule[17])",
    ]);
    expect(statuses(check("call-utilities-disabled", f))).toEqual(["fail"]);

    // RMS management: MQTT with TLS by design.
    expect(mqttOf(f).map((e) => [e.purpose, e.enabled, e.port])).toEqual([["rms", true, 15009]]);
    expect(statuses(check("mqtt-tls", f))).toEqual(["pass"]);
    expect(statuses(check("mqtt-broker-auth", f))).toEqual(["not_applicable"]);
  });

  it("RutOS 7.20 defaults: the broker is off", async () => {
    const f = extractRouterFacts(await openInput(corpusPath("rutos-defaults", "rutx_00.07.20")));
    expect(mqttOf(f).map((e) => [e.role, e.enabled])).toEqual([["broker", false]]);
    expect(statuses(check("mqtt-tls", f))).toEqual(["pass"]);
  });
});

describe("the insecure RUTX11 example", () => {
  const MINE = new Set(
    [
      ...CELLULAR_RULES,
      ...MONITORING_RULES,
      ...PACKAGES_RULES,
      ...MESSAGING_RULES,
      ...MANUAL_RULES,
    ].map((r) => r.meta.id),
  );
  const summary = (results: RuleResult[]) =>
    results
      .filter((r) => MINE.has(r.rule))
      .map((r) => [r.rule, r.status, r.severity, r.subject ?? ""].join(" | "));

  /** What the example's SMS, SIM, events, feeds, email and MQTT configuration must yield. */
  const EXPECTED = [
    "sms-commands-whitelisted | fail | high | SMS rule 'reboot' (@rule[0])",
    "sms-commands-whitelisted | fail | critical | SMS rule 'ssh_access' (@rule[1])",
    "sms-commands-whitelisted | pass | high | SMS rule 'send_status' (@rule[2])",
    "sms-commands-whitelisted | fail | high | SMS rule 'uci' (@rule[3])",
    "sms-utilities-minimal | fail | high | SMS rule 'reboot' (@rule[0])",
    "sms-utilities-minimal | fail | critical | SMS rule 'ssh_access' (@rule[1])",
    "sms-utilities-minimal | fail | high | SMS rule 'uci' (@rule[3])",
    "call-utilities-disabled | fail | medium | ",
    "sim-data-limit | fail | medium | mob1s1a1",
    "sim-sms-limit | fail | low | SIM1",
    "events-admin-login | fail | medium | ",
    "events-link-down | fail | low | ",
    "package-feeds-trusted | fail | critical | feed 'cheap_packages'",
    "package-feeds-trusted | pass | high | feed 'tlt_packages'",
    "package-signature-check | fail | high | ",
    "smtp-tls | fail | high | email account 'alerts'",
    "mqtt-tls | fail | high | MQTT broker (mosquitto), port 1883",
    "mqtt-tls | pass | high | RMS management connection to rms.teltonika.lt",
    "mqtt-broker-auth | fail | high | MQTT broker (mosquitto), port 1883",
    "sim-provider-assurance | manual | low | ",
    "sim-tac-lock | manual | medium | ",
    "usb-config-update-key | manual | medium | ",
    "firmware-tested-before-rollout | manual | low | ",
    "sim-usage-reviewed | manual | low | ",
    "intercom-enclosure | not_applicable | medium | ",
    "intercom-remote-relay | not_applicable | medium | ",
    "intercom-network-segmented | not_applicable | medium | ",
    "intercom-web-sessions | not_applicable | low | ",
    "intercom-time-profiles | not_applicable | low | ",
    "intercom-video-stream | not_applicable | medium | ",
    "intercom-unique-pins | not_applicable | medium | ",
    "backup-hashes-verified | manual | medium | ",
    "firmware-update-routine | manual | medium | ",
    "management-protocols-reviewed | manual | low | ",
    "wifi-audit-routine | manual | low | ",
    "diagnostics-encrypted-when-shared | manual | medium | ",
  ];

  const EXAMPLES = join(import.meta.dirname, "..", "examples");

  it("the folder yields the expected findings, each failure with a fix", async () => {
    const report = await auditTarget(join(EXAMPLES, "rutx11-insecure"), settingsFrom({}));
    expect(report.error).toBeUndefined();
    expect(summary(report.results)).toEqual(EXPECTED);
    for (const r of report.results.filter((x) => MINE.has(x.rule) && x.status === "fail")) {
      expect(r.remediation?.commands?.lines.length, r.rule).toBeGreaterThan(0);
      expect(r.evidence.length, r.rule).toBeGreaterThan(0);
    }
    // No secret of the example reaches the report.
    const json = JSON.stringify(report);
    expect(json).not.toContain("Mail-Pass-2024");
  });

  it("the backup archive of the same device yields the same findings", async () => {
    const report = await auditTarget(
      join(EXAMPLES, "backup-RUTX11-insecure.tar.gz"),
      settingsFrom({}),
    );
    expect(summary(report.results)).toEqual(EXPECTED);
    const feed = report.results.find((r) => r.rule === "package-feeds-trusted");
    expect(feed?.remediation?.commands?.lines[0]).toBe(
      "sed -i '2s|^|# |' /etc/opkg/customfeeds.conf",
    );
  });

  it("an attestation turns a checklist item into pass (yes) or fail (no)", async () => {
    const report = await auditTarget(
      join(EXAMPLES, "rutx11-insecure"),
      settingsFrom({
        attestations: [
          { rule: "sim-tac-lock", answer: "yes", by: "ops@example.com", at: "2026-10-01" },
          {
            rule: "firmware-tested-before-rollout",
            answer: "no",
            by: "ops@example.com",
            at: "2026-10-01",
          },
        ],
      }),
    );
    const of = (id: string) => report.results.find((r) => r.rule === id);
    expect(of("sim-tac-lock")?.status).toBe("pass");
    expect(of("firmware-tested-before-rollout")?.status).toBe("fail");
    expect(of("sim-provider-assurance")?.status).toBe("manual");
  });
});
