/**
 * Why a test that needs root, Debian peers and network namespaces cannot run here (undefined: it
 * can). Missing peers are installed first by scripts/install-test-peers.sh when it can be run
 * (set BULWARK_NO_INSTALL to keep it from running).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * `missing()` lists what the test lacks (commands, files); `why` is what root is needed for,
 * for the message.
 */
export function netnsSkipReason(missing: () => string[], why: string): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return `not root (${why} need it)`;
  if (
    missing().length > 0 &&
    existsSync("scripts/install-test-peers.sh") &&
    !process.env.BULWARK_NO_INSTALL
  ) {
    spawnSync("bash", ["scripts/install-test-peers.sh"], { stdio: "ignore", timeout: 300_000 });
  }
  const still = missing();
  if (still.length > 0) return `missing ${still.join(", ")} (scripts/install-test-peers.sh)`;
  const probe = `bulwark-probe-${process.pid}`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return undefined;
}
