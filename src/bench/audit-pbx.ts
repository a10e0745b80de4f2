/**
 * Benchmark: audit a whole PBX configuration (Wazo's /etc/asterisk, with its #include trees and
 * dial plan library, plus its fail2ban jails over the stock ones) and a Linux host whose saved
 * firewall is the 4.8k-rule production ruleset of the corpus, 100 times each, the way
 * `bulwark audit` does. Prints configurations per second. Needs ../shared/corpus (CI has it).
 *
 *   npm run bench            # runs every benchmark; or: node dist/bench/audit-pbx.js [count]
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { settingsFrom } from "../engine/profile.js";
import { runRules } from "../engine/run.js";
import { extractFacts } from "../extract/index.js";
import { ALL_RULES } from "../rules/index.js";
import { DiskTree, type FileTree, MountTree } from "../sources/tree.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = resolve(process.env.BULWARK_CORPUS ?? join(ROOT, "..", "shared", "corpus"));
const COUNT = Number(process.argv[2] ?? 100);

function wazoTree(): FileTree {
  const c = (p: string) => join(CORPUS, p);
  return new MountTree("wazo", [
    { at: "", tree: new DiskTree("wazo-asterisk-config", c("wazo/wazo-asterisk-config"), "") },
    {
      at: "usr/share/wazo-asterisk-config/dialplan",
      tree: new DiskTree("dialplan", c("wazo/wazo-asterisk-config/dialplan"), ""),
    },
    { at: "etc/fail2ban", tree: new DiskTree("fail2ban", c("fail2ban-config"), "") },
    {
      at: "etc/fail2ban/jail.d",
      tree: new DiskTree("wazo-jails", c("wazo/xivo-config/etc/fail2ban/jail.d"), ""),
    },
    {
      at: "etc/fail2ban/filter.d",
      tree: new DiskTree("filters", c("fail2ban-config/filter.d"), ""),
    },
  ]);
}

function firewallHostTree(): FileTree {
  return new MountTree("tum-net-host", [
    {
      at: "etc/iptables",
      tree: new DiskTree("tum", join(CORPUS, "iptables-save/IPPartEval/TUM_Net"), ""),
    },
  ]);
}

/** TUM's dump is named iptables-save-2015-...; a host keeps it as etc/iptables/rules.v4. */
class RenameTree implements FileTree {
  readonly kind = "directory" as const;
  constructor(
    readonly name: string,
    private readonly inner: FileTree,
    private readonly from: string,
    private readonly to: string,
  ) {}
  read(path: string): string | undefined {
    return this.inner.read(path === this.to ? this.from : path);
  }
  list(dir: string): string[] {
    return this.inner
      .list(dir)
      .map((n) => (`${dir}/${n}` === this.from ? this.to.slice(dir.length + 1) : n));
  }
  display(path: string): string {
    return this.inner.display(path === this.to ? this.from : path);
  }
}

function measure(label: string, tree: FileTree): string {
  const settings = settingsFrom({});
  const run = () => runRules(extractFacts(tree), ALL_RULES, settings);
  const first = run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < COUNT; i++) run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const fails = first.results.filter((r) => r.status === "fail").length;
  return `${label.padEnd(34)} ${(COUNT / seconds).toFixed(1).padStart(7)} configurations/s  (${COUNT} audits in ${seconds.toFixed(2)} s; ${first.sources.length} files read, ${fails} failing checks)`;
}

export function benchPbx(): string[] {
  if (!existsSync(CORPUS))
    return [`PBX benchmark skipped: ${CORPUS} not found (set BULWARK_CORPUS)`];
  return [
    `PBX and host audits, ${COUNT} each, one process, one core (${process.version})`,
    measure("Wazo PBX (/etc/asterisk + fail2ban)", wazoTree()),
    measure(
      "host with the 4.8k-rule iptables dump",
      new RenameTree(
        "tum-net-host",
        firewallHostTree(),
        "etc/iptables/iptables-save-2015-05-15_15-23-41",
        "etc/iptables/rules.v4",
      ),
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.stdout.write(`${benchPbx().join("\n")}\n`);
