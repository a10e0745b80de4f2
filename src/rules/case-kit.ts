/**
 * Building blocks for rules' own cases: compact ways to state "a router whose SSH accepts
 * passwords" without spelling out every fact.
 */
import type {
  DhcpServer,
  Facts,
  Firewall,
  NetworkInterface,
  PasswordPolicy,
  PortForward,
  PortRange,
  Service,
  WanReach,
} from "../facts/model.js";
import { type ConfigOrigin, known } from "../facts/value.js";

export function at(excerpt: string, line = 1, file = "case/etc/config/test"): ConfigOrigin {
  return { kind: "config", file, line, excerpt };
}

export function asRouter(f: Facts, platform: "rutos" | "openwrt" | "rutos-legacy" = "rutos"): void {
  f.device.class = known("router", at("router"));
  f.device.platform = known(platform, at(platform));
  f.coverage = known({ configs: ["network", "system"], complete: true }, at("complete"));
}

export const tcp = (from: number, to = from): PortRange => ({ from, to, transport: "tcp" });

export const NOT_ON_WAN: WanReach = { reachable: false, sources: [], ports: [], via: ["no rule"] };
export const wanFrom = (sources: string[], ports: PortRange[]): WanReach => ({
  reachable: true,
  sources,
  ports,
  via: ["rule 'case'"],
});

export function service(p: Partial<Service> & Pick<Service, "id" | "kind">): Service {
  return {
    label: p.id,
    admin: true,
    enabled: known(true, at("enabled")),
    ports: known([tcp(22)], at("port")),
    bind: known("any", at("bind")),
    tls: known(false, at("tls")),
    auth: {},
    wan: known(NOT_ON_WAN, at("wan")),
    cfg: { language: "uci", package: "test", section: "@test[0]", sectionType: "test" },
    ...p,
  };
}

export function firewall(p: Partial<Firewall> = {}): Firewall {
  return {
    engine: "fw4",
    defaults: { input: "REJECT", forward: "REJECT", output: "ACCEPT" },
    zones: [
      {
        name: "lan",
        networks: ["lan"],
        input: "ACCEPT",
        forward: "ACCEPT",
        masquerade: false,
        at: [at("zone lan")],
      },
      {
        name: "wan",
        networks: ["wan"],
        input: "REJECT",
        forward: "REJECT",
        masquerade: true,
        at: [at("zone wan")],
        cfg: { language: "uci", package: "firewall", section: "@zone[1]", sectionType: "zone" },
      },
    ],
    rules: [],
    forwards: [],
    includes: [],
    at: [at("defaults")],
    ...p,
  };
}

export function iface(
  name: string,
  role: NetworkInterface["role"],
  addresses: string[] = [],
  proto = addresses.length ? "static" : "dhcp",
): NetworkInterface {
  return {
    name,
    proto,
    addresses,
    role,
    enabled: true,
    devices: [],
    at: [at(`interface ${name}`)],
    cfg: { language: "uci", package: "network", section: name, sectionType: "interface" },
  };
}

export function withNetwork(
  f: Facts,
  interfaces: NetworkInterface[],
  dhcpServers: DhcpServer[] = [],
): void {
  f.network = known({ interfaces, dhcpServers }, at("network"));
}

export function withPolicy(f: Facts, policy: Partial<PasswordPolicy>): void {
  f.passwordPolicy = known(
    {
      minLength: 8,
      requireDigits: true,
      requireMixedCase: true,
      requireSymbols: true,
      maxAgeDays: 0,
      ...policy,
    },
    at("policy"),
  );
}

export function forward(p: Partial<PortForward> = {}): PortForward {
  return {
    name: "cam",
    enabled: true,
    src: "wan",
    srcIps: [],
    protocols: ["tcp"],
    externalPorts: [tcp(8554)],
    internalHost: "192.168.1.20",
    internalPorts: [tcp(554)],
    isDmz: false,
    at: [at("config redirect")],
    ...p,
  };
}

const SSHD_CONFIG = "case/etc/ssh/sshd_config";

/**
 * An SSH service for rule cases: dropbear (UCI) or OpenSSH (sshd_config), with password and root
 * password logins on or off (undefined: not reported), and any other field overridden.
 */
export function sshService(
  flavour: "dropbear" | "openssh",
  auth: { password?: boolean; rootPassword?: boolean; keys?: number } = {},
  extra: Partial<Service> = {},
): Service {
  const openssh = flavour === "openssh";
  const file = openssh ? SSHD_CONFIG : "case/etc/config/dropbear";
  const line = (dropbear: string, sshd: string) => at(openssh ? sshd : dropbear, 1, file);
  return service({
    id: "ssh",
    kind: "ssh",
    label: openssh ? "SSH (OpenSSH)" : "SSH (dropbear)",
    auth: {
      ...(auth.password === undefined
        ? {}
        : {
            password: known(
              auth.password,
              line(
                `option PasswordAuth '${auth.password ? "on" : "off"}'`,
                `PasswordAuthentication ${auth.password ? "yes" : "no"}`,
              ),
            ),
          }),
      ...(auth.rootPassword === undefined
        ? {}
        : {
            rootPassword: known(
              auth.rootPassword,
              line(
                `option RootPasswordAuth '${auth.rootPassword ? "on" : "off"}'`,
                `PermitRootLogin ${auth.rootPassword ? "yes" : "prohibit-password"}`,
              ),
            ),
          }),
      ...(auth.keys === undefined
        ? {}
        : { authorizedKeys: known(auth.keys, at(`${auth.keys} key(s)`)) }),
    },
    cfg: openssh
      ? { language: "sshd", file: SSHD_CONFIG }
      : { language: "uci", package: "dropbear", section: "@dropbear[0]", sectionType: "dropbear" },
    ...extra,
  });
}
