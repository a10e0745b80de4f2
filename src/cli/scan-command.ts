/**
 * `bulwark scan TARGET...`: probe the named hosts (nothing else), turn what answered into Facts,
 * run the same rules as an audit and print the same reports. Exit status as audit: 0 no failure
 * at or above --fail-on, 1 there is one, 2 a usage error or a target that could not be scanned.
 */
import { settingsFrom } from "../engine/profile.js";
import { runRules, type TargetReport } from "../engine/run.js";
import { colorsFor } from "../report/colors.js";
import { toJson } from "../report/json.js";
import { toSarif } from "../report/sarif.js";
import { toText } from "../report/text.js";
import { ALL_RULES } from "../rules/index.js";
import type { Severity } from "../rules/types.js";
import { describeCheck } from "../scan/credentials/index.js";
import { httpExcerpt } from "../scan/http-facts.js";
import { iax2Excerpt } from "../scan/iax2-facts.js";
import { type HostScan, scanTargets } from "../scan/index.js";
import { DEFAULT_CONCURRENCY, DEFAULT_RATE, Limiter, progressBar } from "../scan/limiter.js";
import { describeMqtt } from "../scan/mqtt-facts.js";
import { printable } from "../scan/probes/tcp.js";
import { rtspExcerpt } from "../scan/rtsp-facts.js";
import { snmpExcerpt } from "../scan/snmp-facts.js";
import {
  defaultPorts,
  parsePorts,
  parseTargets,
  type ScanClass,
  TargetError,
} from "../scan/targets.js";
import { telnetExcerpt } from "../scan/telnet-facts.js";
import { EXIT, failsAt } from "./exit.js";

export interface ScanCommandOptions {
  class?: ScanClass;
  ports?: string;
  format: string;
  timeout: string;
  concurrency?: string;
  rate?: string;
  allowLarge?: boolean;
  vantage?: "internet" | "local";
  failOn: Severity | "none";
  verbose?: boolean;
  tryDefaultCredentials?: boolean;
  sipInvite?: boolean;
}

function positive(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new TargetError(`--${name} must be a positive number`);
  return n;
}

/** What the probes saw, for people: open ports, SSH and TLS details. */
export function scanSummary(scans: HostScan[]): string {
  const out: string[] = [];
  for (const s of scans) {
    out.push(`scan — ${s.target}${s.address && s.address !== s.target ? ` (${s.address})` : ""}`);
    if (s.error) {
      out.push(`  error: ${s.error}`);
      continue;
    }
    const open = s.tcp.filter((t) => t.state === "open");
    out.push(
      `  open TCP: ${open.map((t) => t.port).join(", ") || "none"} (${s.tcp.length} probed${s.skipped.length ? `; UDP not probed: ${s.skipped.map((p) => p.port).join(", ")}` : ""})`,
    );
    for (const t of open)
      if (t.banner && !s.ssh.some((x) => x.port === t.port))
        out.push(`  ${t.port}/tcp banner: ${printable(t.banner, 80)}`);
    for (const x of s.ssh) {
      out.push(`  ${x.port}/tcp SSH ${x.ident ?? ""}`);
      out.push(
        `    auth methods: ${x.authMethods?.join(",") ?? (x.noneAccepted ? "none required!" : "unknown")}; passwords ${x.passwordAuth === undefined ? "unknown" : x.passwordAuth ? "ACCEPTED" : "refused"}`,
      );
      for (const w of x.weak) out.push(`    weak ${w.kind}: ${w.name} (${w.why})`);
    }
    for (const x of s.tls) {
      const v = Object.entries(x.versions)
        .map(([k, r]) => `${k}:${r?.verdict}`)
        .join(" ");
      out.push(
        `  ${x.port}/tcp TLS ${x.negotiated?.version ?? ""} ${x.negotiated?.cipher ?? ""}; ${v}`,
      );
      const c = x.certificate;
      if (c)
        out.push(
          `    certificate: ${c.subject}; expires ${c.notAfter}${c.expired ? " (EXPIRED)" : ` (${c.daysLeft} days)`}${c.selfSigned ? "; self-signed" : c.trustError ? `; untrusted (${c.trustError})` : ""}; ${c.keyType ?? "?"} ${c.keyBits ?? "?"} bits`,
        );
      for (const w of x.weakCiphers.filter((w) => w.verdict === "accepted"))
        out.push(`    weak suite accepted: ${w.name} (${w.suite})`);
      const untried = x.weakCiphers.filter((w) => w.verdict === "cannot-test").map((w) => w.name);
      if (untried.length)
        out.push(
          `    weak suites not tried (this OpenSSL cannot offer them): ${untried.join(", ")}`,
        );
    }
    // Normalized product and version, as advisories are matched: from every probe that named one.
    const software = [
      ...new Set(
        s.facts.services.flatMap((svc) =>
          svc.software?.known
            ? [
                `${svc.software.value.product}${svc.software.value.version ? ` ${svc.software.value.version}` : ""} (${svc.ports.known ? svc.ports.value.map((p) => `${p.from}/${p.transport}`).join(",") : svc.label})`,
              ]
            : [],
        ),
      ),
    ];
    if (software.length) out.push(`  software: ${software.join("; ")}`);
    for (const x of s.http)
      out.push(`  ${x.port}/tcp ${x.tls ? "HTTPS" : "HTTP"}: ${httpExcerpt(x)}`);
    for (const x of s.rtsp)
      out.push(
        `  ${x.port}/tcp RTSP: ${rtspExcerpt(x)}${x.stream?.verdict === "anonymous" ? " — stream WITHOUT PASSWORD" : ""}`,
      );
    for (const x of s.telnet) out.push(`  ${x.port}/tcp telnet (${x.state}): ${telnetExcerpt(x)}`);
    for (const x of s.mqtt)
      out.push(
        `  ${x.port}/tcp MQTT: ${describeMqtt(x)}${x.access === "anonymous" ? " — ANONYMOUS ACCESS" : ""}`,
      );
    for (const x of s.snmp) out.push(`  ${x.port}/udp SNMP: ${snmpExcerpt(x)}`);
    for (const x of s.iax2) out.push(`  ${x.port}/udp IAX2: ${iax2Excerpt(x)}`);
    for (const c of s.credentials ?? []) out.push(`  ${describeCheck(c)}`);
  }
  return `${out.join("\n")}\n`;
}

export async function runScanCommand(specs: string[], opts: ScanCommandOptions): Promise<number> {
  let hosts: string[];
  let ports: ReturnType<typeof parsePorts>;
  let timeoutMs: number;
  let limiter: Limiter;
  const tty = process.stderr.isTTY === true;
  try {
    hosts = parseTargets(specs, { allowLarge: opts.allowLarge });
    ports = opts.ports ? parsePorts(opts.ports) : defaultPorts(opts.class);
    timeoutMs = positive(opts.timeout, "timeout", 3000);
    limiter = new Limiter({
      concurrency: positive(opts.concurrency, "concurrency", DEFAULT_CONCURRENCY),
      ratePerSecond: positive(opts.rate, "rate", DEFAULT_RATE),
      onProgress: tty
        ? (done, total) => process.stderr.write(`\rscanning ${progressBar(done, total)}`)
        : undefined,
    });
  } catch (err) {
    if (err instanceof TargetError) {
      process.stderr.write(`bulwark: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const scans = await scanTargets(hosts, {
    class: opts.class,
    ports,
    timeoutMs,
    limiter,
    vantage: opts.vantage,
    tryDefaultCredentials: opts.tryDefaultCredentials === true,
    sipInvite: opts.sipInvite === true,
  });
  if (tty) process.stderr.write("\n");
  const settings = settingsFrom({});
  const reports: TargetReport[] = scans.map((s) => {
    for (const e of s.error ? [s.error] : []) process.stderr.write(`bulwark: ${e}\n`);
    const report = runRules(s.facts, ALL_RULES, settings);
    return s.error ? { ...report, error: s.error } : report;
  });
  if (opts.format === "json") {
    const doc = JSON.parse(toJson(reports, opts.failOn)) as {
      targets: Record<string, unknown>[];
    };
    doc.targets.forEach((t, i) => {
      const s = scans[i];
      if (!s) return;
      t.scan = {
        address: s.address,
        tcp: s.tcp.map((x) => ({
          port: x.port,
          state: x.state,
          banner: x.banner ? printable(x.banner, 200) : undefined,
          ms: x.ms,
        })),
        ssh: s.ssh,
        tls: s.tls,
        http: s.http,
        rtsp: s.rtsp,
        telnet: s.telnet,
        mqtt: s.mqtt,
        snmp: s.snmp,
        iax2: s.iax2,
        udpNotProbed: s.skipped.map((p) => p.port),
        ...(s.credentials ? { defaultCredentials: s.credentials } : {}),
      };
    });
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (opts.format === "sarif") {
    process.stdout.write(toSarif(reports));
  } else {
    process.stdout.write(scanSummary(scans));
    process.stdout.write(
      toText(reports, { verbose: opts.verbose, colors: colorsFor(process.stdout) }),
    );
  }
  if (reports.some((r) => r.error)) return EXIT.error;
  return failsAt(reports, opts.failOn) ? EXIT.findings : EXIT.ok;
}
