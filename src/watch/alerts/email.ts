/**
 * Alerts by email over SMTP (nodemailer): implicit TLS (`secure`, port 465) or STARTTLS
 * (`requireTLS`, port 587; without it STARTTLS is used when offered), optional authentication
 * whose user and password come from environment variables only (by default BULWARK_SMTP_USER and
 * BULWARK_SMTP_PASSWORD). The password is never logged, never put in an error message, and not
 * reachable from the channel object (it lives in a private field of the transport's closure);
 * nodemailer's own logger stays off.
 */
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import type { Alert, AlertChannel } from "./types.js";

export interface EmailOptions {
  host: string;
  /** Default 465 with `secure`, else 587. */
  port?: number;
  /** Implicit TLS from the first byte (SMTPS). */
  secure?: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS. */
  requireTLS?: boolean;
  from: string;
  to: string | string[];
  /** Subject prefix (default "[bulwark] "). */
  subjectPrefix?: string;
  /** Environment variables holding the login (default BULWARK_SMTP_USER / BULWARK_SMTP_PASSWORD). */
  userEnv?: string;
  passwordEnv?: string;
  env?: NodeJS.ProcessEnv;
  /** Certificate checks: a CA (PEM text or a file path), the name to check, or off (tests). */
  tls?: { ca?: string; servername?: string; rejectUnauthorized?: boolean };
  /** Connection, greeting and socket timeouts (default 10 s, 10 s, 30 s). */
  timeoutMs?: number;
  name?: string;
}

export class EmailChannel implements AlertChannel {
  readonly name: string;
  readonly #send: (alert: Alert) => Promise<void>;
  readonly #close: () => void;

  constructor(opts: EmailOptions) {
    const env = opts.env ?? process.env;
    const userEnv = opts.userEnv ?? "BULWARK_SMTP_USER";
    const passwordEnv = opts.passwordEnv ?? "BULWARK_SMTP_PASSWORD";
    const user = env[userEnv];
    const pass = env[passwordEnv];
    if (user && !pass)
      throw new Error(`SMTP user set in ${userEnv} but no password in ${passwordEnv}`);
    const secure = opts.secure ?? false;
    const port = opts.port ?? (secure ? 465 : 587);
    this.name = opts.name ?? `email ${opts.host}:${port}`;
    let ca: string | undefined = opts.tls?.ca;
    if (ca && !ca.includes("-----BEGIN")) ca = readFileSync(ca, "utf8");
    const timeout = opts.timeoutMs ?? 10_000;
    const transport = nodemailer.createTransport({
      host: opts.host,
      port,
      secure,
      requireTLS: opts.requireTLS ?? false,
      auth: user ? { user, pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 3,
      logger: false,
      debug: false,
      tls: {
        ...(ca ? { ca } : {}),
        ...(opts.tls?.servername ? { servername: opts.tls.servername } : {}),
        rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
        minVersion: "TLSv1.2",
      },
    });
    const prefix = opts.subjectPrefix ?? "[bulwark] ";
    const secrets = [
      pass,
      user && pass ? Buffer.from(`\u0000${user}\u0000${pass}`).toString("base64") : undefined,
    ].filter((s): s is string => typeof s === "string" && s.length > 0);
    const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text);
    const name = this.name;
    this.#send = async (alert) => {
      try {
        await transport.sendMail({
          from: opts.from,
          to: opts.to,
          subject: `${prefix}${alert.title}`,
          text: `${alert.text}\n\n-- \nBulwark watch, ${new Date(alert.time).toISOString()}\n`,
          headers: {
            "X-Bulwark-Alert": alert.kind,
            "X-Bulwark-Severity": alert.severity,
          },
        });
      } catch (e) {
        // a fresh error: nodemailer's carries the SMTP dialogue and the options
        const err = e as Error & { code?: string; responseCode?: number };
        const code = [err.code, err.responseCode].filter(Boolean).join(" ");
        throw new Error(scrub(`${name}: ${err.message}${code ? ` (${code})` : ""}`));
      }
    };
    this.#close = () => transport.close();
  }

  send(alert: Alert): Promise<void> {
    return this.#send(alert);
  }

  async close(): Promise<void> {
    this.#close();
  }

  /** Never show the transport (and with it the login) when the channel is printed. */
  toJSON(): { name: string } {
    return { name: this.name };
  }
}
