/**
 * The `bulwark` command. Exit status: 0 no failure at or above --fail-on; 1 there is one;
 * 2 a usage error or an input that could not be read (the other targets are still audited).
 */
import { writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { auditLogs } from "../audit/audit-logs.js";
import { auditTarget } from "../audit/audit-target.js";
import { coverage } from "../catalogue/coverage.js";
import { type LiveCheck, liveCheck } from "../crosscheck/live.js";
import { VERSION } from "../data-files.js";
import { loadPolicy, PROFILES, settingsFrom } from "../engine/profile.js";
import { runRules, type TargetReport } from "../engine/run.js";
import { colorsFor } from "../report/colors.js";
import { toJson } from "../report/json.js";
import { toSarif } from "../report/sarif.js";
import { toText } from "../report/text.js";
import { ALL_RULES } from "../rules/index.js";
import { SEVERITIES, type Severity } from "../rules/types.js";
import { InputError } from "../sources/input-error.js";
import { guidelinesText } from "./guidelines-text.js";
import { type RegexCommandOptions, runRegexCommand } from "./regex-command.js";
import { runScanCommand, type ScanCommandOptions } from "./scan-command.js";
import { runWatchCommand, type WatchCommandOptions } from "./watch-command.js";

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

function failsAt(reports: TargetReport[], failOn: Severity | "none"): boolean {
  if (failOn === "none") return false;
  const min = SEVERITIES.indexOf(failOn);
  return reports.some((r) =>
    r.results.some((x) => x.status === "fail" && SEVERITIES.indexOf(x.severity) >= min),
  );
}

function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("bulwark")
    .description(
      "Hardens and guards edge devices: audits routers, PBXs and intercoms against vendor hardening guides.",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("audit")
    .description(
      "audit configuration offline: a sysupgrade backup (.tar.gz), an extracted root, /etc or /etc/config; with --logs, what the logs show too",
    )
    .argument("[paths...]", "backups or folders to audit (none: judge the --logs alone)")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a failure is at or above this severity")
        .choices([...SEVERITIES, "none"])
        .default("low"),
    )
    .addOption(
      new Option("--profile <name>", "where guides disagree, whose advice to follow").choices(
        Object.keys(PROFILES),
      ),
    )
    .option("--policy <file>", "YAML policy: profile, disabled rules, waivers, attestations")
    .option("-o, --output <file>", "write the report to a file instead of standard output")
    .option("-v, --verbose", "show evidence for passing checks too")
    .option(
      "--host <address>",
      "also scan the live device at this address and cross-check it with the configuration (one PATH)",
    )
    .addOption(
      new Option("--vantage <where>", "with --host: where the scanner stands")
        .choices(["local", "internet"])
        .default("local"),
    )
    .option("--timeout <ms>", "with --host: per-probe time-out in milliseconds", "3000")
    .option(
      "--logs <files...>",
      "also judge these logs (auth.log, Asterisk's, fail2ban.log, a router's logread output...) for the one PATH, or alone",
    )
    .option("--timezone <tz>", "time zone of log timestamps without one (default: the machine's)")
    .action(
      async (
        paths: string[],
        opts: {
          format: string;
          failOn: Severity | "none";
          profile?: string;
          policy?: string;
          output?: string;
          verbose?: boolean;
          host?: string;
          vantage: "local" | "internet";
          timeout: string;
          logs?: string[];
          timezone?: string;
        },
      ) => {
        const logs = opts.logs ?? [];
        if (paths.length === 0 && logs.length === 0) {
          process.stderr.write("bulwark: audit needs a PATH, or --logs FILE...\n");
          exitCode = EXIT.error;
          return;
        }
        if (logs.length > 0 && paths.length > 1) {
          process.stderr.write(
            "bulwark: --logs belong to one device: give at most one PATH with them\n",
          );
          exitCode = EXIT.error;
          return;
        }
        const now = new Date();
        const logInputs = { files: logs, timezone: opts.timezone, now: () => now.getTime() };
        const settings = settingsFrom(opts.policy ? loadPolicy(opts.policy) : {}, opts.profile);
        const reports: TargetReport[] = [];
        let live: LiveCheck | undefined;
        if (opts.host) {
          const timeoutMs = Number(opts.timeout);
          if (paths.length !== 1 || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
            process.stderr.write(
              "bulwark: --host cross-checks one configuration: give exactly one PATH (and a positive --timeout)\n",
            );
            exitCode = EXIT.error;
            return;
          }
          live = liveCheck(opts.host, { vantage: opts.vantage, timeoutMs });
        }
        const showProgress = paths.length > 1 && process.stderr.isTTY;
        for (const [i, p] of paths.entries()) {
          if (showProgress)
            process.stderr.write(`\rauditing ${i + 1}/${paths.length}: ${p.slice(-50).padEnd(50)}`);
          const report = await auditTarget(p, settings, ALL_RULES, now, live?.enrich, {
            logs: logInputs,
          });
          if (report.error)
            process.stderr.write(`${showProgress ? "\n" : ""}bulwark: ${report.error}\n`);
          reports.push(report);
        }
        if (paths.length === 0) {
          const report = await auditLogs(logInputs, settings, ALL_RULES, now);
          if (report.error) process.stderr.write(`bulwark: ${report.error}\n`);
          reports.push(report);
        }
        // The live device's own report follows its configuration's: what the probes saw of it.
        const scanned = live?.scan();
        if (scanned) {
          const report = runRules(scanned.facts, ALL_RULES, settings);
          reports.push({ ...report, target: `${opts.host} (live)` });
        }
        if (showProgress) process.stderr.write("\n");
        const text =
          opts.format === "json"
            ? toJson(reports, opts.failOn)
            : opts.format === "sarif"
              ? toSarif(reports)
              : toText(reports, {
                  verbose: opts.verbose,
                  colors: colorsFor(process.stdout, opts.output !== undefined),
                });
        emit(text, opts.output);
        const inputError = reports.some(
          (r) => r.error || r.diagnostics.some((d) => d.severity === "error"),
        );
        exitCode = inputError
          ? EXIT.error
          : failsAt(reports, opts.failOn)
            ? EXIT.findings
            : EXIT.ok;
      },
    );

  program
    .command("scan")
    .description(
      "scan live devices over the network (only the named targets): open ports, SSH, TLS; same rules and reports as audit",
    )
    .argument("<targets...>", "host names, addresses, CIDRs (/22 at most), or @FILE (one a line)")
    .addOption(new Option("--class <class>", "device class").choices(["router", "pbx", "intercom"]))
    .option(
      "--ports <spec>",
      "ports to probe, e.g. 22,80,443,4200-4220,161/udp (default: per class)",
    )
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--timeout <ms>", "per-probe time-out in milliseconds", "3000")
    .option("--concurrency <n>", "probes in flight at once (default 32)")
    .option("--rate <n>", "new connections per second (default 1000)")
    .option("--allow-large", "allow IPv4 ranges wider than /22 (up to /16)")
    .option(
      "--try-default-credentials",
      "also try a few factory-default passwords (at most 3 per login) on the SSH, telnet and web logins found",
    )
    .addOption(
      new Option(
        "--vantage <where>",
        "where the scanner stands: from the internet, answering services are exposed; from inside (default), that is unknown",
      )
        .choices(["internet", "local"])
        .default("local"),
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a failure is at or above this severity")
        .choices([...SEVERITIES, "none"])
        .default("low"),
    )
    .option("-v, --verbose", "show evidence for passing checks too")
    .action(async (targets: string[], opts: ScanCommandOptions) => {
      exitCode = await runScanCommand(targets, opts);
    });

  program
    .command("guidelines")
    .description("every guideline item and the checks that cover it (and in which mode)")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action((opts: { format: string }) => {
      const cov = coverage();
      if (opts.format === "json") process.stdout.write(`${JSON.stringify(cov, null, 2)}\n`);
      else process.stdout.write(guidelinesText(cov));
    });

  program
    .command("regex")
    .description(
      "run a fail2ban filter (a filter.d file or a built-in detector) over a log, like fail2ban-regex",
    )
    .argument("<log>", "log file to read")
    .argument("<filter>", "filter.d file, or the name of a built-in detector")
    .option(
      "--mode <mode>",
      "filter mode (fail2ban's filter[mode=...]: normal, aggressive, ddos, extra...)",
    )
    .option(
      "--logtype <type>",
      "file (default) or journal: lines are journal messages without a timestamp",
    )
    .option(
      "--set <name=value>",
      "set a filter variable (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--timezone <tz>", "time zone of timestamps without one (default: the machine's)")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action(async (log: string, filter: string, opts: RegexCommandOptions) => {
      exitCode = await runRegexCommand(log, filter, opts);
    });

  program
    .command("watch")
    .description(
      "watch logs (files, the journal, syslog from routers) with fail2ban-compatible jails: ban and alert",
    )
    .option("--config <file>", "YAML watch configuration (jails, action, syslog, state, alerts)")
    .option(
      "--fail2ban <dir>",
      "also run the enabled jails of a fail2ban configuration, e.g. /etc/fail2ban (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .addOption(
      new Option(
        "--action <action>",
        "how bans are applied (default dry-run: printed only)",
      ).choices(["dry-run", "nftables", "ipset", "iptables", "fail2ban-client"]),
    )
    .option("--state <file>", "state file (bans, ban counts) kept across restarts")
    .option(
      "--syslog <url>",
      "receive syslog: udp://HOST:PORT, tcp://HOST:PORT or syslog://HOST:PORT (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--timezone <tz>", "time zone of timestamps without one (default: the machine's)")
    .option("--once", "read the logs from their beginning once, print the decisions, and exit")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action(async (opts: WatchCommandOptions) => {
      exitCode = await runWatchCommand(opts);
    });

  program
    .command("rules")
    .description("list every rule with its severity and guideline items")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action((opts: { format: string }) => {
      const metas = ALL_RULES.map((r) => r.meta);
      if (opts.format === "json") process.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
      else
        process.stdout.write(
          `${metas
            .map(
              (m) =>
                `${m.id.padEnd(34)} ${m.severity.padEnd(8)} ${m.guidelines.join(",").padEnd(28)} ${m.title}`,
            )
            .join("\n")}\n`,
        );
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (err instanceof InputError) {
      process.stderr.write(`bulwark: ${err.located}\n`);
      return EXIT.error;
    }
    throw err;
  }
  return exitCode;
}
