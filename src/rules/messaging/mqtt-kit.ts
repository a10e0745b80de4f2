/** MQTT facts for the cases of the MQTT rules, and the broker's service (for its WAN exposure). */
import type { Facts, MqttEndpoint, Service } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { at, service, tcp, wanFrom } from "../case-kit.js";

export function brokerService(facts: Facts, e: MqttEndpoint): Service | undefined {
  return facts.services.find((s) => s.kind === "mqtt" && s.label === e.name);
}

export function wanExposed(facts: Facts, e: MqttEndpoint): Service | undefined {
  const s = brokerService(facts, e);
  return s?.wan.known && s.wan.value.reachable ? s : undefined;
}

export function broker(p: Partial<MqttEndpoint> = {}): MqttEndpoint {
  return {
    name: "MQTT broker (mosquitto), port 1883",
    role: "broker",
    purpose: "broker",
    enabled: true,
    tls: known(false, at("option use_tls_ssl '0'")),
    anonymous: known(false, at("option anonymous_access '0'")),
    port: 1883,
    at: [at("config mqtt 'mqtt'")],
    cfg: { language: "uci", package: "mosquitto", section: "mqtt", sectionType: "mqtt" },
    ...p,
  };
}

/** The broker's service as the extractor adds it, reachable from the internet or not. */
export function brokerOnWan(f: Facts, e: MqttEndpoint): void {
  f.services.push(
    service({
      id: "mqtt-broker",
      kind: "mqtt",
      label: e.name,
      admin: false,
      ports: known([tcp(1883)], at("1883")),
      wan: known(wanFrom([], [tcp(1883)]), at("rule 'Allow-MQTT'")),
    }),
  );
}
