import type { MqttEndpoint } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { at } from "../case-kit.js";
import { uciFixApplied } from "../cellular/kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";
import {
  asScannedBrokers,
  broker,
  brokerOnWan,
  fromProbe,
  noMqtt,
  scannedBroker,
  unansweredBroker,
  wanExposed,
  withMqtt,
} from "./mqtt-kit.js";

function tlsFix(e: MqttEndpoint): Fix {
  const cfg = e.cfg;
  if (!cfg && fromProbe(e.at))
    return {
      summary: `Serve MQTT over TLS only: give the broker a TLS listener with a certificate (the paths are placeholders for your files), move the clients to it, then remove the plain listener on port ${e.port ?? "?"} (RutOS: Services > MQTT > Broker > Security, 'Use TLS/SSL'):`,
      commands: {
        language: "mosquitto",
        lines: [
          "listener 8883",
          "certfile /etc/mosquitto/certs/server.crt",
          "keyfile /etc/mosquitto/certs/server.key",
        ],
      },
    };
  if (cfg?.package === "mosquitto" && cfg.sectionType === "mqtt")
    return uciFixApplied(
      "Serve MQTT over TLS: create or upload a server certificate (System > Administration > Certificates), select it in Services > MQTT > Broker > Security ('Use TLS/SSL', TLS type 'Certificate based'), or set it here (the certificate paths are placeholders for your files); clients then connect on 8883 or the port you choose:",
      [
        { op: "set", ref: cfg, option: "use_tls_ssl", value: "1" },
        { op: "set", ref: cfg, option: "tls_type", value: "cert" },
        { op: "set", ref: cfg, option: "ca_file", value: "/etc/certificates/ca.cert.pem" },
        { op: "set", ref: cfg, option: "cert_file", value: "/etc/certificates/server.cert.pem" },
        { op: "set", ref: cfg, option: "key_file", value: "/etc/certificates/server.key.pem" },
      ],
    );
  if (cfg?.package === "mosquitto" && cfg.sectionType === "listener")
    return uciFixApplied(
      "Give the listener a certificate and key (the paths are placeholders for your files):",
      [
        { op: "set", ref: cfg, option: "certfile", value: "/etc/mosquitto/server.crt" },
        { op: "set", ref: cfg, option: "keyfile", value: "/etc/mosquitto/server.key" },
      ],
    );
  if (cfg?.package === "mosquitto" && cfg.sectionType === "bridge")
    return uciFixApplied(
      "Connect the bridge over TLS (Services > MQTT > Broker > Bridge: 'Use TLS/SSL'; the CA path is a placeholder for the remote broker's CA) and point it at the remote broker's TLS port:",
      [
        { op: "set", ref: cfg, option: "use_remote_tls", value: "1" },
        {
          op: "set",
          ref: cfg,
          option: "bridge_cafile",
          value: "/etc/certificates/remote-ca.cert.pem",
        },
      ],
    );
  if (cfg?.package === "mqtt_pub")
    return uciFixApplied(
      "Publish over TLS (Services > MQTT > Publisher: TLS on, with the broker's CA) and use the broker's TLS port:",
      [{ op: "set", ref: cfg, option: "tls", value: "1" }],
    );
  if (cfg?.package === "modbusgateway")
    return {
      summary:
        "The legacy MQTT Gateway has no TLS option: carry its traffic through a VPN (IPsec, OpenVPN, WireGuard) to the broker, or upgrade to RutOS 7 and use an MQTT client with TLS.",
    };
  return {
    summary:
      "Add a certificate and key to the listener (certfile/keyfile in /etc/mosquitto/mosquitto.conf, or a TLS listener in /etc/config/mosquitto) and move clients to it.",
  };
}

export const mqttTls: Rule = {
  meta: {
    id: "mqtt-tls",
    title: "MQTT (broker and data clients) runs over TLS",
    severity: "high",
    guidelines: ["RBT-16", "RBT-11"],
    modes: ["config", "probe"],
    appliesTo: ["router"],
    rationale:
      "Plain MQTT carries the industrial data (Modbus readings, commands) and the client passwords in clear text; anyone on the LAN or the path can read or inject messages. Robustel's guide sends Modbus data over MQTT wrapped in TLS and asks for application-layer TLS where the link is not covered by a VPN.",
    remediation:
      "Enable TLS on the broker and on every bridge or client that carries data off the device, with certificates the peers verify.",
  },
  check(facts) {
    const mqtt = facts.mqtt;
    if (!mqtt.known) return [unknownFrom(mqtt, "MQTT encryption")];
    if (mqtt.value.length === 0) return [noMqtt(mqtt, "MQTT broker or client")];
    return mqtt.value.map((e) => {
      const subject = e.name;
      if (!e.enabled) return pass(`${e.name} is disabled`, e.at, { subject });
      if (!e.tls.known) return unknownFrom(e.tls, `TLS of ${e.name}`, { subject });
      if (e.tls.value)
        return pass(
          e.purpose === "rms" ? "RMS management runs over TLS" : "MQTT over TLS",
          [...e.at, ...e.tls.at],
          { subject },
        );
      const exposed = e.role === "broker" ? wanExposed(facts, e) : undefined;
      return fail(
        `${e.role === "broker" ? "the broker accepts" : e.role === "bridge" ? "the bridge sends" : "the client sends"} plain MQTT${e.port ? ` (port ${e.port})` : ""}${exposed ? " and is reachable from the internet" : ""}: messages and MQTT passwords travel in clear text`,
        [...e.at, ...e.tls.at, ...(exposed ? exposed.wan.at : [])],
        tlsFix(e),
        { subject, severity: exposed ? "critical" : undefined },
      );
    });
  },
  cases: [
    {
      name: "scanned: a broker answers in clear on 1883, another over TLS on 8883",
      facts: (f) =>
        asScannedBrokers(f, scannedBroker(1883, false, false), scannedBroker(8883, true, false)),
      expect: ["fail", "pass"],
    },
    {
      name: "scanned: TLS handshake failed and plain MQTT did not answer",
      facts: (f) =>
        asScannedBrokers(
          f,
          unansweredBroker(
            8883,
            true,
            "tls",
            "CONNECT without credentials over TLS: tls-failed",
            "the TLS handshake failed (ECONNRESET)",
          ),
        ),
      expect: ["unknown"],
    },
    {
      name: "plain broker",
      facts: (f) => withMqtt(f, [broker()], at("mosquitto")),
      expect: ["fail"],
    },
    {
      name: "plain broker reachable from the internet",
      facts: (f) => {
        const b = broker();
        withMqtt(f, [b], at("mosquitto"));
        brokerOnWan(f, b);
      },
      expect: ["fail"],
    },
    {
      name: "TLS broker, RMS, disabled plain bridge",
      facts: (f) => {
        withMqtt(
          f,
          [
            broker({ tls: known(true, at("option use_tls_ssl '1'")) }),
            {
              name: "RMS management connection",
              role: "client",
              purpose: "rms",
              enabled: true,
              tls: known(true, at("rms_mqtt")),
              at: [at("config rms_mqtt")],
            },
            broker({ name: "MQTT bridge 'cloud'", role: "bridge", enabled: false }),
          ],
          at("mosquitto"),
        );
      },
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "plain data client",
      facts: (f) => {
        withMqtt(
          f,
          [
            broker({
              name: "MQTT Publisher to broker.example.com",
              role: "client",
              purpose: "data",
              cfg: {
                language: "uci",
                package: "mqtt_pub",
                section: "mqtt_pub",
                sectionType: "mqtt_pub",
              },
            }),
          ],
          at("mqtt_pub"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "custom broker configuration",
      facts: (f) =>
        withMqtt(f, [broker({ tls: unknown("custom configuration file") })], at("mosquitto")),
      expect: ["unknown"],
    },
    {
      name: "no MQTT at all",
      facts: (f) => withMqtt(f, [], at("no mosquitto")),
      expect: ["not_applicable"],
    },
  ],
};
