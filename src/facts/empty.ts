/**
 * Facts for a target before any source has spoken: everything unknown, with the reason a report
 * can show ("no etc/config/wireless in the input").
 */
import type { Facts } from "./model.js";
import { unknown } from "./value.js";

export function emptyFacts(target: Facts["target"]): Facts {
  const none = (what: string) => unknown(`no ${what} in the input`);
  return {
    target,
    device: {
      class: none("device class evidence"),
      platform: none("platform evidence"),
      hostname: none("hostname"),
      model: none("device model"),
      firmware: none("firmware version (etc/version)"),
    },
    sources: [],
    diagnostics: [],
    services: [],
    accounts: none("account database (etc/shadow)"),
    passwordPolicy: none("password policy"),
    firewall: none("firewall configuration"),
    network: none("network configuration"),
    wifi: none("wireless configuration"),
    vpns: none("VPN configuration"),
    cellular: none("mobile/SIM configuration"),
    sms: none("SMS utilities configuration"),
    events: none("events reporting configuration"),
    packages: none("package feed configuration"),
    email: none("email account configuration"),
    mqtt: none("MQTT configuration"),
    centralAuth: none("RADIUS/TACACS/LDAP configuration"),
    coverage: none("configuration files"),
  };
}
