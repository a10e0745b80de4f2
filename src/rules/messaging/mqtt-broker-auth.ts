import type { MqttEndpoint } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { at } from "../case-kit.js";
import { devicePath, lineOf, uciFixApplied } from "../cellular/kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";
import {
  asScannedBrokers,
  broker,
  brokerOnWan,
  connectProbe,
  fromProbe,
  noMqtt,
  scannedBroker,
  unansweredBroker,
  wanExposed,
  withMqtt,
} from "./mqtt-kit.js";

function authFix(e: MqttEndpoint): Fix {
  const cfg = e.cfg;
  if (!cfg && fromProbe(e.at))
    return {
      summary: `Refuse anonymous clients on the broker at port ${e.port ?? "?"}: create a user for every client first (mosquitto_passwd -c /etc/mosquitto/passwd USER), then set in that listener's configuration and restart the broker (RutOS: Services > MQTT > Broker > Security, 'Allow anonymous' off):`,
      commands: {
        language: "mosquitto",
        lines: ["allow_anonymous false", "password_file /etc/mosquitto/passwd"],
      },
    };
  if (cfg?.package === "mosquitto" && cfg.sectionType === "mqtt")
    return uciFixApplied(
      "Refuse anonymous clients: create users for the clients first (Services > MQTT > Broker > Security: a password file, or ACL), then switch 'Allow anonymous' off:",
      [{ op: "set", ref: cfg, option: "anonymous_access", value: "0" }],
    );
  if (cfg?.package === "mosquitto")
    return uciFixApplied(
      "Refuse anonymous clients (create users with mosquitto_passwd and set password_file first):",
      [
        {
          op: "set",
          ref: {
            language: "uci",
            package: "mosquitto",
            section: "@mosquitto[0]",
            sectionType: "mosquitto",
          },
          option: "allow_anonymous",
          value: "0",
        },
      ],
    );
  const origin = e.anonymous?.at.find((o) => o.kind === "config");
  const path = devicePath(origin, "/etc/mosquitto/mosquitto.conf");
  const line = lineOf(origin);
  return {
    summary:
      "Refuse anonymous clients (create users with mosquitto_passwd and set password_file first), then restart the broker:",
    commands: {
      language: "shell",
      lines: [
        line
          ? `sed -i '${line}s/.*/allow_anonymous false/' ${path}`
          : `echo 'allow_anonymous false' >> ${path}`,
        "/etc/init.d/mosquitto restart",
      ],
    },
  };
}

export const mqttBrokerAuth: Rule = {
  meta: {
    id: "mqtt-broker-auth",
    title: "The MQTT broker refuses anonymous clients",
    severity: "high",
    guidelines: ["TEL-02"],
    modes: ["config", "probe"],
    appliesTo: ["router"],
    rationale:
      "A broker that allows anonymous access lets anyone who reaches its port read every topic and publish commands to the devices listening on it. Every service needs its own strong credentials (Teltonika's guide: strong, unique passwords for every service).",
    remediation:
      "Turn anonymous access off and give every MQTT client its own user name and strong password (or certificate).",
  },
  check(facts) {
    const mqtt = facts.mqtt;
    if (!mqtt.known) return [unknownFrom(mqtt, "MQTT broker authentication")];
    const brokers = mqtt.value.filter((e) => e.role === "broker");
    if (brokers.length === 0) return [noMqtt(mqtt, "MQTT broker")];
    return brokers.map((e) => {
      const subject = e.name;
      if (!e.enabled) return pass("the broker is disabled", e.at, { subject });
      const anon = e.anonymous ?? unknown("anonymous access not reported");
      if (!anon.known) return unknownFrom(anon, "Anonymous MQTT access", { subject });
      if (!anon.value) return pass("anonymous clients are refused", anon.at, { subject });
      const exposed = wanExposed(facts, e);
      return fail(
        `the broker accepts clients without any credentials${exposed ? " and is reachable from the internet" : ""}`,
        [...anon.at, ...(exposed ? exposed.wan.at : [])],
        authFix(e),
        { subject, severity: exposed ? "critical" : undefined },
      );
    });
  },
  cases: [
    {
      name: "scanned: CONNECT without credentials accepted (CONNACK 0)",
      facts: (f) => asScannedBrokers(f, scannedBroker(1883, false, true)),
      expect: ["fail"],
    },
    {
      name: "scanned: credentials required (CONNACK 5)",
      facts: (f) => asScannedBrokers(f, scannedBroker(8883, true, false)),
      expect: ["pass"],
    },
    {
      name: "scanned: the port accepted TCP but no CONNACK came",
      facts: (f) =>
        asScannedBrokers(
          f,
          unansweredBroker(
            1883,
            false,
            "anonymous",
            "CONNECT without credentials in clear: no-answer (time-out)",
            "no CONNACK on 1883/tcp (time-out)",
          ),
        ),
      expect: ["unknown"],
    },
    {
      name: "scanned: 1883 and 8883 closed",
      facts: (f) => withMqtt(f, [], connectProbe("1883/tcp closed")),
      expect: ["not_applicable"],
    },
    {
      name: "anonymous access on",
      facts: (f) =>
        withMqtt(
          f,
          [broker({ anonymous: known(true, at("option anonymous_access '1'")) })],
          at("mosquitto"),
        ),
      expect: ["fail"],
    },
    {
      name: "anonymous access on, broker on the internet",
      facts: (f) => {
        const b = broker({ anonymous: known(true, at("option anonymous_access '1'")) });
        withMqtt(f, [b], at("mosquitto"));
        brokerOnWan(f, b);
      },
      expect: ["fail"],
    },
    {
      name: "anonymous access off",
      facts: (f) => withMqtt(f, [broker()], at("mosquitto")),
      expect: ["pass"],
    },
    {
      name: "only an RMS client",
      facts: (f) =>
        withMqtt(
          f,
          [broker({ name: "RMS", role: "client", purpose: "rms", anonymous: undefined })],
          at("rms"),
        ),
      expect: ["not_applicable"],
    },
  ],
};
