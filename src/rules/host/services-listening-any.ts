import type { ListeningSocket } from "../../facts/host.js";
import type { Facts, ScanCoverage } from "../../facts/model.js";
import { closePortFix } from "../../remediation/firewall.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import {
  asScanned,
  describeSilence,
  probedTcp,
  scanEvidence,
  scannedLoopback,
  scanOf,
} from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";
import { asPbx, exposureOf, firewallFlavor, sock, withHostFirewall, withListening } from "./kit.js";

/**
 * Services a PBX runs for itself or its administrators only, with where to rebind them. Ports
 * phones and trunks need (SIP, IAX2, RTP, provisioning HTTP 8666, the web interface) are not here.
 */
export const LOCAL_ONLY: Record<string, { name: string; rebind: string }> = {
  "5038/tcp": {
    name: "Asterisk AMI",
    rebind:
      "/etc/asterisk/manager.conf [general]: bindaddr = 127.0.0.1, then asterisk -rx 'manager reload'",
  },
  "5039/tcp": {
    name: "Asterisk AMI over TLS / Wazo's Asterisk HTTP",
    rebind:
      "manager.conf [general]: tlsbindaddr = 127.0.0.1:5039 (or http.conf bindaddr = 127.0.0.1), then reload",
  },
  "8088/tcp": {
    name: "Asterisk HTTP/ARI",
    rebind:
      "/etc/asterisk/http.conf [general]: bindaddr = 127.0.0.1, then asterisk -rx 'module reload http'",
  },
  "8089/tcp": {
    name: "Asterisk HTTPS/ARI",
    rebind:
      "/etc/asterisk/http.conf [general]: tlsbindaddr = 127.0.0.1:8089, then asterisk -rx 'module reload http'",
  },
  "4573/tcp": { name: "FastAGI", rebind: "the AGI server's listen address: 127.0.0.1" },
  "5432/tcp": {
    name: "PostgreSQL",
    rebind: "postgresql.conf: listen_addresses = 'localhost', then systemctl restart postgresql",
  },
  "3306/tcp": {
    name: "MySQL/MariaDB",
    rebind:
      "[mysqld] bind-address = 127.0.0.1 (my.cnf / mariadb.conf.d/50-server.cnf), then restart it",
  },
  "6379/tcp": { name: "Redis", rebind: "redis.conf: bind 127.0.0.1 ::1, then restart redis" },
  "11211/tcp": { name: "memcached", rebind: "/etc/memcached.conf: -l 127.0.0.1, then restart it" },
  "11211/udp": {
    name: "memcached",
    rebind: "/etc/memcached.conf: -l 127.0.0.1 and -U 0, then restart it",
  },
  "27017/tcp": { name: "MongoDB", rebind: "mongod.conf: net.bindIp: 127.0.0.1, then restart it" },
  "5672/tcp": {
    name: "RabbitMQ (AMQP)",
    rebind: "rabbitmq.conf: listeners.tcp.default = 127.0.0.1:5672, then restart rabbitmq-server",
  },
  "15672/tcp": {
    name: "RabbitMQ management",
    rebind: "rabbitmq.conf: management.tcp.ip = 127.0.0.1, then restart rabbitmq-server",
  },
  "25672/tcp": {
    name: "RabbitMQ inter-node",
    rebind:
      'rabbitmq-env.conf: SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"',
  },
  "4369/tcp": { name: "Erlang epmd", rebind: "environment of epmd: ERL_EPMD_ADDRESS=127.0.0.1" },
  "8667/tcp": {
    name: "wazo-provd REST API",
    rebind:
      "wazo-provd's configuration (/etc/wazo-provd/conf.d/): REST API listen address 127.0.0.1",
  },
  "8500/tcp": { name: "Consul", rebind: "consul: client_addr = 127.0.0.1" },
  "111/tcp": {
    name: "rpcbind",
    rebind: "disable it: systemctl disable --now rpcbind.socket rpcbind",
  },
  "111/udp": {
    name: "rpcbind",
    rebind: "disable it: systemctl disable --now rpcbind.socket rpcbind",
  },
};

/**
 * From a scan: an internal service that answered a scanner on another host listens beyond
 * 127.0.0.1. Ports that stayed silent pass as far as a scan can tell (it cannot tell a loopback
 * bind from a firewall drop); a scan that probed none of them decides nothing.
 */
function judgeScanned(facts: Facts, scan: ScanCoverage): Finding[] {
  const subject = "services answering the scan";
  const at = scanEvidence(facts);
  if (scannedLoopback(scan))
    return [
      undecided(
        `the scan targeted the loopback address ${scan.address}: what answers there may listen on loopback only`,
        at,
        { subject },
      ),
    ];
  const internal = Object.keys(LOCAL_ONLY)
    .filter((k) => k.endsWith("/tcp"))
    .map((k) => Number.parseInt(k, 10));
  const probed = probedTcp(scan, internal);
  if (probed.length === 0)
    return [
      undecided(
        "the scan probed none of the internal services' ports (AMI 5038, ARI 8088/8089, databases, brokers): add them to --ports",
        at,
        { subject },
      ),
    ];
  const open = probed.filter((t) => t.state === "open");
  if (open.length === 0)
    return [
      pass(
        `no internal service answered the scanner (${describeSilence(probed)}); a scan cannot tell a loopback bind from a firewall drop`,
        at,
        { subject },
      ),
    ];
  return open.map((t) => {
    const info = LOCAL_ONLY[`${t.port}/tcp`] as { name: string; rebind: string };
    const svc = facts.services.find(
      (s) => s.ports.known && s.ports.value.some((p) => p.from <= t.port && p.to >= t.port),
    );
    return fail(
      `${info.name} answered the scanner at ${scan.address}:${t.port}: it listens beyond 127.0.0.1${scan.vantage === "internet" ? ", and the internet reaches it" : ""}`,
      svc ? svc.enabled.at : at,
      closePortFix(
        `Bind ${info.name} to 127.0.0.1 — ${info.rebind}. Until then, drop the port in the firewall:`,
        firewallFlavor(facts),
        [{ port: t.port, transport: "tcp" }],
      ),
      {
        subject: `${t.port}/tcp (${info.name})`,
        severity: scan.vantage === "internet" ? "high" : "medium",
      },
    );
  });
}

export const servicesListeningAny: Rule = {
  meta: {
    id: "services-listening-any",
    title: "Internal services do not listen on every address",
    severity: "medium",
    guidelines: ["WAZ-07"],
    modes: ["config", "probe"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "Wazo asks to review what listens on 0.0.0.0 and rebind what needs no exposure. The AMI and ARI control calls, databases and message brokers hold the PBX's data, the provisioning API creates devices: bound to every address, only the firewall stands between them and the network, and one firewall mistake exposes them. Bound to 127.0.0.1 they are safe whatever the firewall does. Worse (high) when the saved ruleset accepts the port from the internet too.",
    remediation:
      "Bind each listed service to 127.0.0.1 in its own configuration; until then, drop its port in the host firewall.",
  },
  check(facts) {
    const l = facts.listening;
    const scan = scanOf(facts);
    if (!l.known && scan) return judgeScanned(facts, scan);
    if (!l.known)
      return [
        unknownFrom(l, "Services listening on every address", { subject: "listening sockets" }),
      ];
    const groups = new Map<string, ListeningSocket[]>();
    for (const s of l.value) {
      const key = `${s.port}/${s.transport}`;
      if (s.scope !== "any" || !LOCAL_ONLY[key]) continue;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    if (groups.size === 0) {
      return [
        pass(
          "no internal service (AMI, ARI, database, broker, provisioning API) listens on every address",
          l.at,
          { subject: "listening sockets" },
        ),
      ];
    }
    const flavor = firewallFlavor(facts);
    return [...groups.entries()].map(([key, socks]) => {
      const info = LOCAL_ONLY[key] as { name: string; rebind: string };
      const first = socks[0] as ListeningSocket;
      const proc = socks.find((s) => s.process)?.process;
      const subject = `${key} (${info.name})`;
      const exposed = exposureOf(facts, first.port, first.transport);
      const open = exposed?.verdict === "accepted";
      const fix = closePortFix(
        `Bind ${info.name} to 127.0.0.1 — ${info.rebind}. Until then, drop the port in the firewall:`,
        flavor,
        [{ port: first.port, transport: first.transport }],
      );
      return fail(
        `${info.name}${proc ? ` (${proc})` : ""} listens on ${socks.map((s) => `${s.address}:${s.port}`).join(", ")}${open ? "; the host firewall accepts it from the internet" : ""}`,
        [...socks.flatMap((s) => s.at), ...(open ? (exposed?.at ?? []) : [])],
        fix,
        { subject, severity: open ? "high" : "medium" },
      );
    });
  },
  cases: [
    {
      name: "AMI and PostgreSQL on 0.0.0.0, ARI on loopback",
      facts: (f) => {
        asPbx(f);
        withListening(f, [
          sock(5038, "tcp", "0.0.0.0", "asterisk"),
          sock(5432, "tcp", "0.0.0.0", "postgres"),
          sock(5432, "tcp", "::", "postgres"),
          sock(8088, "tcp", "127.0.0.1", "asterisk"),
          sock(5060, "udp", "0.0.0.0", "asterisk"),
        ]);
      },
      expect: ["fail", "fail"],
    },
    {
      name: "AMI on 0.0.0.0 and open in the firewall",
      facts: (f) => {
        asPbx(f);
        withListening(f, [sock(5038, "tcp", "0.0.0.0", "asterisk")]);
        withHostFirewall(f, { accepted: [[5038, "tcp"]] });
      },
      expect: ["fail"],
    },
    {
      name: "only SIP, SSH and HTTPS on every address",
      facts: (f) => {
        asPbx(f);
        withListening(f, [
          sock(5060, "udp"),
          sock(22, "tcp", "::", "sshd"),
          sock(443, "tcp", "0.0.0.0", "nginx"),
          sock(5038, "tcp", "127.0.0.1", "asterisk"),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "scanned: AMI and PostgreSQL answer, ARI refused",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [
          [5038, "open"],
          [5432, "open"],
          [8088, "closed"],
          [5060, "open"],
        ]);
      },
      expect: ["fail", "fail"],
    },
    {
      name: "scanned: AMI and ARI ports silent",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [
          [5038, "closed"],
          [8088, "no-answer"],
          [22, "open"],
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "scanned: none of the internal ports probed",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [[22, "open"]]);
      },
      expect: ["unknown"],
    },
    {
      name: "no socket listing",
      facts: (f) => asPbx(f),
      expect: ["unknown"],
    },
  ],
};
