/**
 * The `bulwark` command. Exit status: 0 no failure at or above --fail-on; 1 there is one;
 * 2 a usage error or an input that could not be read (the other targets are still audited).
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../data-files.js";
import { PROFILES } from "../engine/profile.js";
import { SEVERITIES } from "../rules/types.js";
import { InputError } from "../sources/input-error.js";
import type { AuditCommandOptions } from "./audit-command.js";
import { EXIT } from "./exit.js";
import type { RegexCommandOptions } from "./regex-command.js";
import type { ScanCommandOptions } from "./scan-command.js";
import type { WatchCommandOptions } from "./watch-command.js";

// Each command's implementation is imported when that command runs, not before: `bulwark scan`
// starts without the watch engine, SQLite, the configuration extractors or the catalogue.
export { EXIT } from "./exit.js";

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
    .action(async (paths: string[], opts: AuditCommandOptions) => {
      const { runAuditCommand } = await import("./audit-command.js");
      exitCode = await runAuditCommand(paths, opts);
    });

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
        .choices(["text", "json", "sarif"])
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
    .option(
      "--sip-invite",
      "also send an INVITE without credentials to a random extension on the SIP ports found, to see whether anonymous calls are accepted: it may ring a phone, and is cancelled at once",
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
      const { runScanCommand } = await import("./scan-command.js");
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
    .action(async (opts: { format: string }) => {
      const [{ coverage }, { guidelinesText }] = await Promise.all([
        import("../catalogue/coverage.js"),
        import("./guidelines-text.js"),
      ]);
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
      const { runRegexCommand } = await import("./regex-command.js");
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
      const { runWatchCommand } = await import("./watch-command.js");
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
    .action(async (opts: { format: string }) => {
      const { ALL_RULES } = await import("../rules/index.js");
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
