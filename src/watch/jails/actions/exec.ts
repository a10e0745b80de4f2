/**
 * Running a firewall command: an argument array (never a shell), optional standard input, a
 * bounded time (killed after it), bounded output kept. The result says what happened; it only
 * rejects for a programming error, so callers decide what a failure means.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  input?: string;
  /** Default 10 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  argv: string[];
  /** Exit code; null when killed or not started. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started (ENOENT...). */
  spawnError?: string;
}

export type CommandRunner = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

const MAX_OUTPUT = 1 << 20;

export const runCommand: CommandRunner = (argv, opts = {}) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    if (file === undefined) {
      resolve({
        argv,
        code: null,
        stdout: "",
        stderr: "",
        timedOut: false,
        spawnError: "empty command",
      });
      return;
    }
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let done = false;
    const child = spawn(file, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: opts.env ?? process.env,
      shell: false,
    });
    const finish = (r: Omit<RunResult, "argv" | "stdout" | "stderr" | "timedOut">) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ argv, stdout, stderr, timedOut, ...r });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 10_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.on("data", (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on("error", (e) => finish({ code: null, spawnError: e.message }));
    child.on("close", (code) => finish({ code }));
    child.stdin.on("error", () => {
      // the program exited before reading its input: its exit status tells why
    });
    child.stdin.end(opts.input ?? "");
  });

/** A one-line description of a failed run, for an error message. */
export function describeFailure(r: RunResult): string {
  const cmd = r.argv.join(" ");
  if (r.spawnError) return `${cmd}: cannot run: ${r.spawnError}`;
  if (r.timedOut) return `${cmd}: timed out`;
  const msg = r.stderr.trim().split("\n").slice(0, 6).join(" | ");
  return `${cmd}: exit ${r.code}${msg ? `: ${msg}` : ""}`;
}

export function succeeded(r: RunResult): boolean {
  return r.code === 0 && !r.timedOut && r.spawnError === undefined;
}

export class ActionError extends Error {
  constructor(
    message: string,
    readonly results: RunResult[] = [],
  ) {
    super(message);
    this.name = "ActionError";
  }
}
