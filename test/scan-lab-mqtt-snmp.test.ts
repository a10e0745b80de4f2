/**
 * The MQTT and SNMP probes against the lab's real servers (scripts/lab.sh): the weak router's
 * mosquitto (anonymous, plain, :1883) and snmpd (community "public", :161/udp), the hardened
 * router's mosquitto (TLS and a password, :8883) and its 161/udp where nothing listens. Then one
 * scan of both routers and the verdicts of mqtt-broker-auth, mqtt-tls and snmp-default-community,
 * each with the probe's evidence.
 *
 * Skipped with the reason when the lab is not up (`sudo bash scripts/lab.sh up`); a failure in CI.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import { mqttProbe } from "../src/scan/probes/mqtt.js";
import { snmpProbe } from "../src/scan/probes/snmp.js";
import { runCli } from "./support/cli.js";
import { describeLab, device, LAB_READY, labService } from "./support/lab.js";
import { citesProbe, ruleResults } from "./support/verdicts.js";

describeLab("MQTT and SNMP probes against the lab", () => {
  let weak: HostScan;
  let hard: HostScan;

  beforeAll(async () => {
    const scans = await scanTargets(
      [device("weak-router").address, device("hardened-router").address],
      {
        ports: [
          { port: 161, transport: "udp" },
          { port: 1883, transport: "tcp" },
          { port: 8883, transport: "tcp" },
        ],
        class: "router",
        timeoutMs: 2000,
      },
    );
    [weak, hard] = scans as [HostScan, HostScan];
  }, 60_000);

  it("weak router's snmpd answers public (v1, v2c), not private", async () => {
    const snmp = labService("weak-router", "snmp");
    const r = await snmpProbe(device("weak-router").address, snmp.port, { timeoutMs: 2000 });
    expect(r.state).toBe("answered");
    expect(r.answers.map((a) => `${a.community}/${a.version}`).sort()).toEqual([
      `${snmp.community}/v1`,
      `${snmp.community}/v2c`,
    ]);
    expect(r.answers[0]?.sysName).toBe(snmp.sysName);
    expect(r.answers[0]?.sysDescr).toMatch(/weak-router/);

    const svc = weak.facts.services.find((s) => s.kind === "snmp");
    expect(svc?.auth.defaultCredential).toMatchObject({ known: true, value: true });
    const [finding] = ruleResults(weak.facts, "snmp-default-community");
    expect(finding?.status).toBe("fail");
    expect(citesProbe(finding, "snmp-get")).toBe(true);
    expect(JSON.stringify(finding?.evidence)).toContain('community \\"public\\" answered');
  });

  it("hardened router: nothing on 161/udp, proven by ICMP port unreachable", async () => {
    const r = await snmpProbe(device("hardened-router").address, 161, { timeoutMs: 2000 });
    expect(r.state).toBe("closed");
    const [finding] = ruleResults(hard.facts, "snmp-default-community");
    expect(finding?.status).toBe("pass");
    expect(finding?.message).toMatch(/ICMP port unreachable/);
  });

  it("weak router's mosquitto lets an anonymous client in, in clear; the probe says goodbye", async () => {
    const mqtt = labService("weak-router", "mqtt");
    const r = await mqttProbe(device("weak-router").address, mqtt.port, { timeoutMs: 2000 });
    expect(r).toMatchObject({
      state: "mqtt",
      transport: "tcp",
      access: "anonymous",
      disconnected: true,
    });
    // The lab's own mosquitto log shows a clean DISCONNECT, not a dropped connection.
    const log = join(dirname(LAB_READY), "log", "weak-router-mosquitto.log");
    if (existsSync(log)) {
      const until = Date.now() + 3000;
      while (!readFileSync(log, "utf8").includes(`Client ${r.clientId} disconnected.`)) {
        if (Date.now() > until) throw new Error(`no clean disconnect of ${r.clientId} in ${log}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    }

    for (const rule of ["mqtt-broker-auth", "mqtt-tls"]) {
      const [finding] = ruleResults(weak.facts, rule);
      expect(finding?.status, rule).toBe("fail");
      expect(citesProbe(finding, "mqtt-connect"), rule).toBe(true);
    }
  });

  it("hardened router's mosquitto: TLS with its certificate, credentials required", async () => {
    const mqtt = labService("hardened-router", "mqtt");
    const r = await mqttProbe(device("hardened-router").address, mqtt.port, { timeoutMs: 3000 });
    expect(r).toMatchObject({
      state: "mqtt",
      transport: "tls",
      access: "credentials-required",
      returnCode: 5,
    });
    expect(r.tls?.selfSigned).toBe(true);
    expect(r.tls?.version).toMatch(/^TLSv1\.[23]$/);

    const svc = hard.facts.services.find((s) => s.kind === "mqtt");
    expect(svc).toMatchObject({
      label: "MQTT over TLS on 8883/tcp",
      tls: { known: true, value: true },
      auth: { anonymous: { known: true, value: false } },
    });
    for (const rule of ["mqtt-broker-auth", "mqtt-tls"]) {
      const [finding] = ruleResults(hard.facts, rule);
      expect(finding?.status, rule).toBe("pass");
      expect(citesProbe(finding, "mqtt-connect"), rule).toBe(true);
    }
  });

  it("the CLI shows both probes in text and JSON, and exits 1 on the failures", async () => {
    const weakAddress = device("weak-router").address;
    const args = ["scan", weakAddress, "--ports", "1883,161/udp", "--class", "router"];
    const json = await runCli([...args, "--format", "json", "--timeout", "2000"]);
    expect(json.code).toBe(1);
    const scan = JSON.parse(json.stdout).targets[0].scan;
    expect(scan.mqtt).toMatchObject([{ port: 1883, state: "mqtt", access: "anonymous" }]);
    expect(scan.snmp).toMatchObject([{ port: 161, state: "answered" }]);
    const text = await runCli([...args, "--timeout", "2000"]);
    expect(text.stdout).toContain("1883/tcp MQTT: CONNECT without credentials in clear: CONNACK 0");
    expect(text.stdout).toContain('161/udp SNMP: default community "public" ANSWERED (v2c, v1)');
  });
});
