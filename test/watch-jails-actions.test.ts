/**
 * Ban actions. With a recording command runner: the nft script (table, sets with timeout, chains,
 * batched elements), the ipset/iptables commands, fail2ban-client's arguments, and that failures
 * reject instead of throwing. For real, as root with `nft`/`ipset`/`iptables` (Debian's packages,
 * scripts/install-test-peers.sh): inside network namespaces the test creates and always deletes,
 * an attacker namespace connects over a veth pair to a victim namespace; after the ban its TCP
 * connections are dropped, the address is in the set, and after the 2 s timeout it is gone and
 * connections pass again. Skipped, with the reason printed, when not root or the tools are missing.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CommandRunner,
  createJailEngine,
  Fail2banClientAction,
  IpsetAction,
  NftablesAction,
  nftName,
  parseSetElements,
  type RunResult,
  runCommand,
} from "../src/watch/jails/index.js";
import { netnsSkipReason } from "./support/netns.js";
import { have } from "./support/peers.js";

function recorder(reply: (argv: string[], input?: string) => Partial<RunResult> = () => ({})) {
  const calls: { argv: string[]; input?: string }[] = [];
  const run: CommandRunner = async (argv, opts) => {
    calls.push({ argv, input: opts?.input });
    return { argv, code: 0, stdout: "", stderr: "", timedOut: false, ...reply(argv, opts?.input) };
  };
  return { calls, run };
}

const clock = { now: () => 1_000_000 };

describe("nftables action (recorded)", () => {
  it("sets up the table, sets and chain once, then batches elements with timeouts", async () => {
    const { calls, run } = recorder();
    const a = new NftablesAction({
      run,
      clock,
      ports: { sshd: { protocol: "tcp", ports: ["ssh", "2222"] } },
    });
    await Promise.all([
      a.ban("198.51.100.7", "sshd", 1_000_000 + 600_000),
      a.ban("198.51.100.8", "sshd", 1_000_000 + 1_500),
      a.ban("2001:db8::7", "sshd", Number.POSITIVE_INFINITY),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.argv).toEqual(["nft", "-f", "-"]);
    expect(calls[0]?.input).toBe(
      [
        "add table inet bulwark",
        "add set inet bulwark j_sshd_v4 { type ipv4_addr; flags timeout; }",
        "add set inet bulwark j_sshd_v6 { type ipv6_addr; flags timeout; }",
        "add chain inet bulwark j_sshd_input { type filter hook input priority -1; policy accept; }",
        "flush chain inet bulwark j_sshd_input",
        "add rule inet bulwark j_sshd_input ip saddr @j_sshd_v4 meta l4proto tcp th dport { ssh, 2222 } drop",
        "add rule inet bulwark j_sshd_input ip6 saddr @j_sshd_v6 meta l4proto tcp th dport { ssh, 2222 } drop",
        "add element inet bulwark j_sshd_v4 { 198.51.100.7 timeout 600s, 198.51.100.8 timeout 2s }",
        "add element inet bulwark j_sshd_v6 { 2001:db8::7 }",
        "",
      ].join("\n"),
    );
    await a.unban("198.51.100.7", "sshd");
    expect(calls[1]?.input).toBe("delete element inet bulwark j_sshd_v4 { 198.51.100.7 }\n");
  });

  it("retries a failed batch one by one; a delete of an element already gone is not an error", async () => {
    const { calls, run } = recorder((_argv, input) => {
      if (input?.includes("198.51.100.9") && input.includes("198.51.100.10")) {
        return { code: 1, stderr: "Error: Could not process rule: No such file or directory" };
      }
      if (input?.includes("198.51.100.9")) {
        return { code: 1, stderr: "Error: Could not process rule: No such file or directory" };
      }
      return {};
    });
    const a = new NftablesAction({ run, clock });
    await a.ban("198.51.100.1", "j", 2_000_000); // sets up
    const results = await Promise.allSettled([
      a.unban("198.51.100.9", "j"),
      a.unban("198.51.100.10", "j"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(calls).toHaveLength(4);
  });

  it("rejects, never throws, when nft is missing or the address is not one", async () => {
    const a = new NftablesAction({ command: ["/nonexistent/nft"], clock });
    await expect(a.ban("198.51.100.7", "j", 2_000_000)).rejects.toThrow(/cannot run/);
    await expect(a.ban("user42", "j", 2_000_000)).rejects.toThrow(/not an IP address/);
  });

  it("names jails safely and reads nft's JSON", () => {
    expect(nftName("sshd")).toBe("sshd");
    expect(nftName("asterisk-pjsip")).toMatch(/^asterisk_pjsip_[0-9a-z]+$/);
    expect(nftName("1x; drop")).toMatch(/^x1x__drop_/);
    expect(
      parseSetElements(
        '{"nftables":[{"metainfo":{}},{"set":{"name":"s","elem":[{"elem":{"val":"198.51.100.7","timeout":2,"expires":1}},"198.51.100.8"]}}]}',
      ),
    ).toEqual(["198.51.100.7", "198.51.100.8"]);
  });
});

describe("ipset action (recorded)", () => {
  it("creates sets with timeout support, adds the iptables rule once, restores in batches", async () => {
    const { calls, run } = recorder((argv) => (argv.includes("-C") ? { code: 1 } : {}));
    const a = new IpsetAction({ run, clock });
    await Promise.all([
      a.ban("198.51.100.7", "sshd", 1_000_000 + 600_000),
      a.ban("2001:db8::7", "sshd", Number.POSITIVE_INFINITY),
    ]);
    await a.unban("198.51.100.7", "sshd");
    expect(calls.map((c) => c.argv.join(" "))).toEqual([
      "ipset create bulwark-sshd hash:ip timeout 0 -exist",
      "iptables -w -C INPUT -m set --match-set bulwark-sshd src -j DROP",
      "iptables -w -I INPUT 1 -m set --match-set bulwark-sshd src -j DROP",
      "ipset create bulwark6-sshd hash:ip family inet6 timeout 0 -exist",
      "ip6tables -w -C INPUT -m set --match-set bulwark6-sshd src -j DROP",
      "ip6tables -w -I INPUT 1 -m set --match-set bulwark6-sshd src -j DROP",
      "ipset restore -exist",
      "ipset restore -exist",
    ]);
    expect(calls[6]?.input).toBe(
      "add bulwark-sshd 198.51.100.7 timeout 600\nadd bulwark6-sshd 2001:db8::7 timeout 0\n",
    );
    expect(calls[7]?.input).toBe("del bulwark-sshd 198.51.100.7\n");
  });
});

describe("fail2ban-client action (recorded)", () => {
  it("hands bans over to fail2ban's jail", async () => {
    const { calls, run } = recorder();
    const a = new Fail2banClientAction({ run, jails: { ssh: "sshd" } });
    await a.ban("198.51.100.7", "ssh");
    await a.unban("198.51.100.7", "ssh");
    expect(calls.map((c) => c.argv.join(" "))).toEqual([
      "fail2ban-client set sshd banip 198.51.100.7",
      "fail2ban-client set sshd unbanip 198.51.100.7",
    ]);
    const failing = new Fail2banClientAction({
      run: recorder(() => ({ code: 255, stderr: "Sorry but the jail 'x' does not exist" })).run,
    });
    await expect(failing.ban("198.51.100.7", "x")).rejects.toThrow(/does not exist/);
  });
});

describe("runCommand", () => {
  it("runs argument arrays without a shell and bounds the time", async () => {
    const r = await runCommand(["sh", "-c", "echo $0", "a;b"]);
    expect(r.stdout.trim()).toBe("a;b");
    const slow = await runCommand(["sleep", "5"], { timeoutMs: 100 });
    expect(slow.timedOut).toBe(true);
    const missing = await runCommand(["/nonexistent/x"]);
    expect(missing.spawnError).toMatch(/ENOENT/);
  });
});

// ---------------------------------------------------------------------------------------------
// For real, in network namespaces

const skipReason = netnsSkipReason(
  () => ["ip", "nft", "ipset", "iptables"].filter((c) => !have(c)),
  "network namespaces and nft",
);
if (skipReason)
  process.stderr.write(`\n[bulwark] SKIPPED real firewall action tests: ${skipReason}\n`);

const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const VICTIM = `bulwark-test-v${tag}`;
const ATTACKER = `bulwark-test-a${tag}`;
const VICTIM_ADDR = "198.51.100.1";
const ATTACKER_ADDR = "198.51.100.7";
const PORT = 2222;
let server: ReturnType<typeof spawn> | undefined;

function ip(...args: string[]) {
  execFileSync("ip", args, { stdio: "pipe" });
}

/** Can the attacker namespace open a TCP connection to the victim's port within 700 ms? */
function connects(): boolean {
  const js = `const s=require("net").connect(${PORT},"${VICTIM_ADDR}");s.setTimeout(700);s.on("connect",()=>{console.log("open");process.exit(0)});s.on("timeout",()=>{console.log("timeout");process.exit(0)});s.on("error",e=>{console.log(e.code);process.exit(0)});`;
  const r = spawnSync("ip", ["netns", "exec", ATTACKER, process.execPath, "-e", js], {
    encoding: "utf8",
    timeout: 5000,
  });
  return r.stdout.trim() === "open";
}

describe.skipIf(skipReason !== undefined)("firewall actions for real (network namespaces)", () => {
  beforeAll(async () => {
    ip("netns", "add", VICTIM);
    ip("netns", "add", ATTACKER);
    ip(
      "link",
      "add",
      "bwv0",
      "netns",
      VICTIM,
      "type",
      "veth",
      "peer",
      "name",
      "bwa0",
      "netns",
      ATTACKER,
    );
    ip("-n", VICTIM, "addr", "add", `${VICTIM_ADDR}/24`, "dev", "bwv0");
    ip("-n", ATTACKER, "addr", "add", `${ATTACKER_ADDR}/24`, "dev", "bwa0");
    for (const [ns, dev] of [
      [VICTIM, "bwv0"],
      [ATTACKER, "bwa0"],
    ] as const) {
      ip("-n", ns, "link", "set", dev, "up");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    server = spawn(
      "ip",
      [
        "netns",
        "exec",
        VICTIM,
        process.execPath,
        "-e",
        `require("net").createServer(s=>{s.on("error",()=>{});s.end("hi\\n")}).listen(${PORT},"0.0.0.0",()=>console.log("listening"))`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("server did not start")), 5000);
      server?.stdout?.on("data", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }, 30_000);

  afterAll(() => {
    server?.kill("SIGKILL");
    for (const ns of [VICTIM, ATTACKER]) spawnSync("ip", ["netns", "del", ns]);
  });

  it("nftables: the banned address is dropped, listed in the set, and released by the kernel's timeout", async () => {
    const nft = new NftablesAction({ command: ["ip", "netns", "exec", VICTIM, "nft"] });
    try {
      expect(connects()).toBe(true);
      const t0 = Date.now();
      await nft.ban(ATTACKER_ADDR, "sshd", Date.now() + 2000);
      expect(await nft.list("sshd")).toEqual([ATTACKER_ADDR]);
      const listing = execFileSync(
        "ip",
        ["netns", "exec", VICTIM, "nft", "list", "set", "inet", "bulwark", "j_sshd_v4"],
        {
          encoding: "utf8",
        },
      );
      expect(listing).toMatch(/flags timeout/);
      expect(listing).toMatch(/198\.51\.100\.7 timeout 2s expires/);
      expect(connects()).toBe(false);
      // no unban from us: the kernel lifts it
      let gone = 0;
      while (Date.now() - t0 < 6000) {
        if ((await nft.list("sshd")).length === 0) {
          gone = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.stdout.write(
        `\n[bulwark] nftables: ban of ${ATTACKER_ADDR} left the set ${gone} ms after it was added (timeout 2 s)\n`,
      );
      expect(gone).toBeGreaterThanOrEqual(1500);
      expect(gone).toBeLessThan(4000);
      expect(connects()).toBe(true);
      // unbanning what the kernel already removed is fine
      await nft.unban(ATTACKER_ADDR, "sshd");
    } finally {
      await nft.teardown();
    }
  }, 30_000);

  it("nftables through the engine: failures → ban → unban at bantime, 500 bans in one batch", async () => {
    const runs: string[][] = [];
    const run: CommandRunner = (argv, opts) => {
      runs.push(argv);
      return runCommand(argv, opts);
    };
    const nft = new NftablesAction({ command: ["ip", "netns", "exec", VICTIM, "nft"], run });
    const engine = await createJailEngine({
      jails: [{ name: "sshd", maxretry: 3, findtime: 60, bantime: 2, actions: [nft] }],
      env: {},
      selfAddresses: [],
      tickMs: 100,
    });
    const errors: string[] = [];
    engine.on((e) => {
      if (e.type === "action-error") errors.push(e.error.message);
    });
    engine.start();
    try {
      for (let i = 0; i < 3; i++) {
        engine.observe("sshd", { regexIndex: 0, host: ATTACKER_ADDR, users: ["root"], fields: {} });
      }
      await engine.idle();
      expect(await nft.list("sshd")).toEqual([ATTACKER_ADDR]);
      expect(connects()).toBe(false);
      const banned = Date.now();
      while (engine.isBanned("sshd", ATTACKER_ADDR) && Date.now() - banned < 5000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await engine.idle();
      expect(engine.isBanned("sshd", ATTACKER_ADDR)).toBe(false);
      expect(await nft.list("sshd")).toEqual([]);
      expect(connects()).toBe(true);

      const before = runs.length;
      for (let i = 0; i < 500; i++) {
        const net = i < 250 ? "203.0.113" : "192.0.2";
        engine.ban("sshd", `${net}.${i % 250}`, { bantime: 30 });
      }
      await engine.idle();
      expect(runs.length - before).toBe(1);
      expect((await nft.list("sshd")).length).toBe(500);
      expect(errors).toEqual([]);
    } finally {
      engine.stop();
      await nft.teardown();
    }
  }, 30_000);

  it("ipset + iptables: the banned address is dropped and the kernel's timeout releases it", async (ctx) => {
    const prefix = ["ip", "netns", "exec", VICTIM];
    const probe = spawnSync(
      prefix[0] as string,
      [...prefix.slice(1), "iptables", "-w", "-L", "INPUT"],
      { encoding: "utf8" },
    );
    if (probe.status !== 0) {
      process.stderr.write(
        `[bulwark] SKIPPED ipset test: iptables unusable here: ${probe.stderr.trim()}\n`,
      );
      ctx.skip();
      return;
    }
    const a = new IpsetAction({
      ipset: [...prefix, "ipset"],
      iptables: [...prefix, "iptables"],
      ip6tables: [...prefix, "ip6tables"],
    });
    try {
      await a.ban(ATTACKER_ADDR, "sshd", Date.now() + 2000);
      expect(await a.list("sshd")).toEqual([ATTACKER_ADDR]);
      expect(connects()).toBe(false);
      // the rule is added once, however often the action is set up
      await new IpsetAction({
        ipset: [...prefix, "ipset"],
        iptables: [...prefix, "iptables"],
        ip6tables: [...prefix, "ip6tables"],
      }).ban("198.51.100.99", "sshd", Date.now() + 1000);
      const rules = execFileSync(
        prefix[0] as string,
        [...prefix.slice(1), "iptables", "-w", "-S", "INPUT"],
        { encoding: "utf8" },
      );
      expect(rules.match(/--match-set bulwark-sshd src -j DROP/g)).toHaveLength(1);
      const t0 = Date.now();
      while ((await a.list("sshd")).includes(ATTACKER_ADDR) && Date.now() - t0 < 5000) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await a.list("sshd")).not.toContain(ATTACKER_ADDR);
      expect(connects()).toBe(true);
      await a.unban(ATTACKER_ADDR, "sshd");
    } finally {
      for (const t of ["iptables", "ip6tables"])
        spawnSync(prefix[0] as string, [...prefix.slice(1), t, "-w", "-F", "INPUT"]);
      for (const s of ["bulwark-sshd", "bulwark6-sshd"])
        spawnSync(prefix[0] as string, [...prefix.slice(1), "ipset", "destroy", s]);
    }
  }, 30_000);
});
