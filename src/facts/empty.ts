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
    pbx: {
      distribution: none("PBX distribution evidence"),
      sip: none("SIP configuration (etc/asterisk/pjsip.conf, sip.conf, iax.conf)"),
      ami: none("AMI configuration (etc/asterisk/manager.conf)"),
      http: none("Asterisk HTTP configuration (etc/asterisk/http.conf)"),
      dialplan: none("dial plan (etc/asterisk/extensions.conf)"),
      logging: none("Asterisk logger configuration (etc/asterisk/logger.conf)"),
      execIncludes: [],
    },
    fail2ban: none("fail2ban configuration (etc/fail2ban)"),
    hostFirewall: none("firewall ruleset (iptables-save or nft list ruleset output)"),
    listening: none("list of listening sockets (ss -tulpn output)"),
    coverage: none("configuration files"),
    observed: unknown("no logs were read (audit --logs FILE, or var/log in a root)"),
  };
}
