/**
 * Fixes in UCI's own language: `uci set` / `uci add_list` / `uci delete` lines, then `uci commit`
 * and the service reload that makes them take effect.
 */
import type { ConfigRef, UciRef } from "../facts/model.js";
import type { Fix } from "../rules/types.js";

/** Quotes a value for a POSIX shell, as `uci set` lines are typed into one. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? `'${value}'` : `'${value.replace(/'/g, `'\\''`)}'`;
}

export type UciChange =
  | { op: "set"; ref: ConfigRef; option: string; value: string }
  | { op: "add_list"; ref: ConfigRef; option: string; value: string }
  | { op: "delete"; ref: ConfigRef; option?: string }
  /** A new named or anonymous section, then its options. */
  | { op: "add"; package: string; type: string; name?: string; options: [string, string][] };

const RELOAD: Record<string, string> = {
  dropbear: "/etc/init.d/dropbear restart",
  uhttpd: "/etc/init.d/uhttpd restart",
  firewall: "/etc/init.d/firewall reload",
  wireless: "wifi reload",
  telnetd: "/etc/init.d/telnetd restart",
  cli: "/etc/init.d/shellinabox restart",
  snmpd: "/etc/init.d/snmpd restart",
  upnpd: "/etc/init.d/miniupnpd restart",
  network: "/etc/init.d/network reload",
  dhcp: "/etc/init.d/dnsmasq restart",
  rpcd: "/etc/init.d/rpcd restart",
  sms_utils: "/etc/init.d/sms_utils restart",
  mosquitto: "/etc/init.d/mosquitto restart",
};

function path(ref: UciRef, option?: string): string {
  return `${ref.package}.${ref.section}${option ? `.${option}` : ""}`;
}

export function uciLines(changes: UciChange[]): string[] {
  const lines: string[] = [];
  const packages: string[] = [];
  const touch = (pkg: string) => {
    if (!packages.includes(pkg)) packages.push(pkg);
  };
  for (const c of changes) {
    if (c.op === "add") {
      touch(c.package);
      if (c.name) {
        lines.push(`uci set ${c.package}.${c.name}=${c.type}`);
        for (const [o, v] of c.options)
          lines.push(`uci set ${c.package}.${c.name}.${o}=${shellQuote(v)}`);
      } else {
        lines.push(`uci add ${c.package} ${c.type}`);
        for (const [o, v] of c.options)
          lines.push(`uci set ${c.package}.@${c.type}[-1].${o}=${shellQuote(v)}`);
      }
      continue;
    }
    const ref = c.ref;
    // A fix in UCI can only address UCI configuration; a service read from another file format
    // (sshd_config, pjsip.conf) gets its fix in that format from its own rule.
    if (ref.language !== "uci") continue;
    touch(ref.package);
    if (c.op === "set") lines.push(`uci set ${path(ref, c.option)}=${shellQuote(c.value)}`);
    else if (c.op === "add_list")
      lines.push(`uci add_list ${path(ref, c.option)}=${shellQuote(c.value)}`);
    else lines.push(`uci delete ${path(ref, c.option)}`);
  }
  for (const p of packages) lines.push(`uci commit ${p}`);
  for (const p of packages) {
    const reload = RELOAD[p];
    if (reload) lines.push(reload);
  }
  return lines;
}

export function uciFix(summary: string, changes: UciChange[]): Fix {
  return { summary, commands: { language: "uci", lines: uciLines(changes) } };
}
