/**
 * The sockets a host listens on, from a saved listing (facts.listening). Accepted files, at the
 * root of the input (or of its etc/ folder's parent):
 *
 * - `ss-tulpn.txt` or `ss.txt`: output of `ss -tulpn` (iproute2; with or without the header,
 *   `Netid` column required unless every line is LISTEN/UNCONN of one kind);
 * - `netstat-tulpn.txt`: output of `netstat -tulpn` (net-tools).
 *
 * The first file found is used. Addresses `0.0.0.0`, `::`, `*` (and `[::]`, `:::`) are "any";
 * 127.0.0.0/8, ::1 and ::ffff:127.x are "loopback"; anything else is "specific". A zone suffix
 * (`%lo`, `%eth0`) is dropped from the address.
 */
import type { ListeningSocket } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { type ConfigOrigin, known } from "../../facts/value.js";
import type { ExtractContext } from "../context.js";

export const LISTENING_FILES: readonly { path: string; format: "ss" | "netstat" }[] = [
  { path: "ss-tulpn.txt", format: "ss" },
  { path: "ss.txt", format: "ss" },
  { path: "netstat-tulpn.txt", format: "netstat" },
];

export function scopeOfAddress(address: string): ListeningSocket["scope"] {
  const a = address.toLowerCase();
  if (a === "0.0.0.0" || a === "::" || a === "*" || a === "" || a === "::ffff:0.0.0.0")
    return "any";
  if (a.startsWith("127.") || a === "::1" || a.startsWith("::ffff:127.") || a === "localhost")
    return "loopback";
  return "specific";
}

/** `0.0.0.0:22`, `[::]:22`, `:::22`, `*:80`, `127.0.0.53%lo:53`, `[fe80::1%eth0]:546`. */
export function splitAddressPort(text: string): { address: string; port: number } | undefined {
  const m = /^(?:\[([^\]]*)\]|(.*)):(\d+|\*)$/.exec(text.trim());
  if (!m || m[3] === "*") return undefined;
  // netstat writes `:::22` for [::]:22 (the greedy match leaves `::`)
  const address = (m[1] ?? m[2] ?? "").replace(/%[^%]*$/, "");
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { address, port };
}

function transportOf(netid: string): "tcp" | "udp" | undefined {
  const n = netid.toLowerCase();
  if (n.startsWith("tcp")) return "tcp";
  if (n.startsWith("udp")) return "udp";
  return undefined;
}

/** Parses `ss -tulpn` output; lines that are not sockets are skipped. */
export function parseSs(
  text: string,
): (Omit<ListeningSocket, "at"> & { line: number; text: string })[] {
  const out: (Omit<ListeningSocket, "at"> & { line: number; text: string })[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, "").trim();
    if (!raw || /^(Netid|State)\s/i.test(raw)) continue;
    const cols = raw.split(/\s+/);
    let transport = transportOf(cols[0] ?? "");
    let rest = cols.slice(1);
    if (!transport) {
      // `ss -tlpn` (one kind) has no Netid column: LISTEN is TCP, UNCONN is UDP
      const state = (cols[0] ?? "").toUpperCase();
      if (state === "LISTEN") transport = "tcp";
      else if (state === "UNCONN") transport = "udp";
      else continue;
      rest = cols;
    }
    // State Recv-Q Send-Q Local Peer [Process]
    const state = (rest[0] ?? "").toUpperCase();
    if (state !== "LISTEN" && state !== "UNCONN") continue;
    const local = splitAddressPort(rest[3] ?? "");
    if (!local) continue;
    const proc = /users:\(\("([^"]+)"/.exec(raw)?.[1];
    out.push({
      transport,
      address: local.address,
      port: local.port,
      scope: scopeOfAddress(local.address),
      ...(proc ? { process: proc } : {}),
      line: i + 1,
      text: raw,
    });
  }
  return out;
}

/** Parses `netstat -tulpn` output (Proto Recv-Q Send-Q Local Foreign [State] PID/Program). */
export function parseNetstat(
  text: string,
): (Omit<ListeningSocket, "at"> & { line: number; text: string })[] {
  const out: (Omit<ListeningSocket, "at"> & { line: number; text: string })[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, "").trim();
    const cols = raw.split(/\s+/);
    const transport = transportOf(cols[0] ?? "");
    if (!transport || !/^\d+$/.test(cols[1] ?? "")) continue;
    if (transport === "tcp" && (cols[5] ?? "").toUpperCase() !== "LISTEN") continue;
    const local = splitAddressPort(cols[3] ?? "");
    if (!local) continue;
    // `702/sshd: /usr/sbin/sshd -D`: the program column may hold blanks
    const pidProg = cols.slice(5).find((c) => /^\d+\//.test(c)) ?? "";
    const proc = /^\d+\/(.+)$/.exec(pidProg)?.[1];
    out.push({
      transport,
      address: local.address,
      port: local.port,
      scope: scopeOfAddress(local.address),
      ...(proc ? { process: proc.split(":")[0] as string } : {}),
      line: i + 1,
      text: raw,
    });
  }
  return out;
}

export function extractListening(ctx: ExtractContext, facts: Facts): void {
  for (const candidate of LISTENING_FILES) {
    const file = ctx.readFile(candidate.path, candidate.format === "ss" ? "ss" : "netstat");
    if (!file) continue;
    const parsed = candidate.format === "ss" ? parseSs(file.text) : parseNetstat(file.text);
    if (parsed.length === 0) {
      ctx.diagnostics.push({
        severity: "warning",
        file: file.file,
        message: `no listening socket found: is this ${candidate.format === "ss" ? "`ss -tulpn`" : "`netstat -tulpn`"} output?`,
      });
    }
    const sockets: ListeningSocket[] = parsed.map(({ line, text, ...s }) => ({
      ...s,
      at: [{ kind: "config", file: file.file, line, excerpt: text } satisfies ConfigOrigin],
    }));
    facts.listening = known(sockets, {
      kind: "config",
      file: file.file,
      excerpt: `${sockets.length} listening socket(s) (${candidate.format} -tulpn)`,
    });
    return;
  }
}
