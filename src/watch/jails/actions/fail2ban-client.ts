/**
 * Hand the ban to a running fail2ban: `fail2ban-client set JAIL banip ADDR` (and `unbanip` when
 * our ban ends, unless fail2ban is left to end it with its own bantime). For hosts where fail2ban
 * already owns the firewall and Bulwark only detects (syslog from routers, filters fail2ban lacks).
 */
import { isIP } from "node:net";
import { ActionError, type CommandRunner, describeFailure, runCommand, succeeded } from "./exec.js";
import type { BanAction } from "./types.js";

export interface Fail2banClientOptions {
  /** Default ["fail2ban-client"]. */
  command?: string[];
  /** Our jail → fail2ban's jail (default: the same name). */
  jails?: Record<string, string>;
  /** Send `unbanip` when our ban ends (default true). */
  unban?: boolean;
  timeoutMs?: number;
  run?: CommandRunner;
}

export class Fail2banClientAction implements BanAction {
  readonly name = "fail2ban-client";
  readonly #command: string[];
  readonly #jails: Record<string, string>;
  readonly #unban: boolean;
  readonly #timeoutMs: number;
  readonly #run: CommandRunner;

  constructor(opts: Fail2banClientOptions = {}) {
    this.#command = opts.command ?? ["fail2ban-client"];
    this.#jails = opts.jails ?? {};
    this.#unban = opts.unban ?? true;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#run = opts.run ?? runCommand;
  }

  async #send(verb: "banip" | "unbanip", address: string, jail: string): Promise<void> {
    if (isIP(address) === 0)
      throw new ActionError(`fail2ban-client: '${address}' is not an IP address`);
    const target = this.#jails[jail] ?? jail;
    const r = await this.#run([...this.#command, "set", target, verb, address], {
      timeoutMs: this.#timeoutMs,
    });
    if (!succeeded(r)) throw new ActionError(`fail2ban-client: ${describeFailure(r)}`, [r]);
  }

  ban(address: string, jail: string): Promise<void> {
    return this.#send("banip", address, jail);
  }

  async unban(address: string, jail: string): Promise<void> {
    if (this.#unban) await this.#send("unbanip", address, jail);
  }
}
