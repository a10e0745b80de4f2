/** Messaging rules: notification email and MQTT. */
import type { Rule } from "../types.js";
import { mqttBrokerAuth } from "./mqtt-broker-auth.js";
import { mqttTls } from "./mqtt-tls.js";
import { smtpTls } from "./smtp-tls.js";

export const MESSAGING_RULES: Rule[] = [smtpTls, mqttTls, mqttBrokerAuth];
