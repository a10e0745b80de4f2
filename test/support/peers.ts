/**
 * The scanners `bulwark scan` is compared with, run as a person would (Debian's nmap, ssh-audit and
 * sipvicious' svmap), and their output read back: nmap's XML, ssh-audit's JSON and text, svmap's
 * table. Only the lab's addresses are ever passed to them.
 */
import { spawnSync } from "node:child_process";

export function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** Debian's sipvicious 0.3 installs `svmap`; newer releases name it `sipvicious_svmap`. */
export function svmapBinary(): string | undefined {
  return ["svmap", "sipvicious_svmap"].find(have);
}

/** The peers that are missing, for a skip reason; undefined when all are installed. */
export function missingPeers(): string | undefined {
  const missing = [
    ...["nmap", "ssh-audit"].filter((c) => !have(c)),
    ...(svmapBinary() ? [] : ["svmap"]),
  ];
  return missing.length > 0
    ? `missing ${missing.join(", ")} (apt-get install nmap ssh-audit sipvicious; scripts/install-test-peers.sh)`
    : undefined;
}

function run(cmd: string, args: string[], timeoutMs = 60_000): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, input: "" });
  if (r.error) throw r.error;
  return r.stdout ?? "";
}

/**
 * `nmap -sT -Pn -n -p PORTS ADDRESS... -oX -`: the open TCP ports of each address (a TCP connect
 * scan, no ping, no DNS: what Bulwark's first stage does).
 */
export function nmapOpenPorts(addresses: string[], tcpPorts: number[]): Map<string, number[]> {
  const xml = run("nmap", ["-sT", "-Pn", "-n", "-p", tcpPorts.join(","), "-oX", "-", ...addresses]);
  return parseNmapXml(xml);
}

export function parseNmapXml(xml: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const host of xml.split("<host ").slice(1)) {
    const addr = /<address addr="([^"]+)" addrtype="ipv[46]"/.exec(host)?.[1];
    if (!addr) continue;
    const open: number[] = [];
    for (const m of host.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="([a-z|]+)"/g))
      if (m[2] === "open") open.push(Number(m[1]));
    out.set(
      addr,
      open.sort((a, b) => a - b),
    );
  }
  return out;
}

export interface SshAuditLists {
  banner: string;
  kex: string[];
  hostKey: string[];
  cipher: string[];
  mac: string[];
  compression: string[];
}

/** `ssh-audit -j -p PORT ADDRESS`: the server's identification and algorithm lists, in its order. */
export function sshAuditJson(address: string, port: number): SshAuditLists {
  const j = JSON.parse(run("ssh-audit", ["-j", "-p", String(port), address])) as {
    banner: { raw: string };
    kex: { algorithm: string }[];
    key: { algorithm: string }[];
    enc: string[];
    mac: string[];
    compression: string[];
  };
  return {
    banner: j.banner.raw,
    kex: j.kex.map((k) => k.algorithm),
    hostKey: j.key.map((k) => k.algorithm),
    cipher: j.enc,
    mac: j.mac,
    compression: j.compression,
  };
}

export type SshAuditKind = "kex" | "key" | "enc" | "mac";

export interface SshAuditVerdict {
  kind: SshAuditKind;
  name: string;
  notes: { level: "fail" | "warn" | "info"; text: string }[];
}

/**
 * `ssh-audit -n -p PORT ADDRESS` (text, no colours): each algorithm with ssh-audit's notes, e.g.
 * `(kex) diffie-hellman-group1-sha1 -- [fail] using small 1024-bit modulus` and its indented
 * `` `- [warn] ...`` continuation lines. Its JSON (2.5.0) carries no levels, hence the text.
 */
export function sshAuditVerdicts(address: string, port: number): SshAuditVerdict[] {
  return parseSshAuditText(run("ssh-audit", ["-n", "-p", String(port), address]));
}

export function parseSshAuditText(text: string): SshAuditVerdict[] {
  const out: SshAuditVerdict[] = [];
  let last: SshAuditVerdict | undefined;
  for (const line of text.split("\n")) {
    const head = /^\((kex|key|enc|mac)\) (\S+)(?: \([^)]*\))?\s+-- \[(fail|warn|info)\] (.*)$/.exec(
      line,
    );
    if (head) {
      last = {
        kind: head[1] as SshAuditKind,
        name: head[2] as string,
        notes: [{ level: head[3] as "fail", text: (head[4] as string).trim() }],
      };
      out.push(last);
      continue;
    }
    const more = /^\s+`- \[(fail|warn|info)\] (.*)$/.exec(line);
    if (more && last)
      last.notes.push({ level: more[1] as "fail", text: (more[2] as string).trim() });
    else if (!/^\s/.test(line)) last = undefined;
  }
  return out;
}

export interface SvmapDevice {
  address: string;
  port: number;
  userAgent: string;
}

/** `svmap ADDRESS...` (SIP OPTIONS over UDP to 5060): the devices it lists. */
export function svmapDevices(addresses: string[]): SvmapDevice[] {
  const bin = svmapBinary();
  if (!bin) throw new Error("svmap missing");
  return parseSvmapTable(run(bin, addresses));
}

export function parseSvmapTable(text: string): SvmapDevice[] {
  const out: SvmapDevice[] = [];
  for (const m of text.matchAll(/^\|\s*([\d.]+):(\d+)\s*\|\s*(.*?)\s*\|\s*$/gm))
    out.push({ address: m[1] as string, port: Number(m[2]), userAgent: m[3] as string });
  return out.sort((a, b) => a.address.localeCompare(b.address, "en", { numeric: true }));
}
