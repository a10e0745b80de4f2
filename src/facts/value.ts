/**
 * A fact is either known — with the places it came from — or unknown, with the reason.
 * Rules must treat unknown as "cannot decide": it is never a pass.
 */

/** A value read from a configuration file (or implied there by a software default). */
export interface ConfigOrigin {
  kind: "config";
  /** Path as the user knows it: inside a backup, `backup.tar.gz!etc/config/dropbear`. */
  file: string;
  /** 1-based line, when the value comes from one line. */
  line?: number;
  /** The configuration text behind the value, secrets already removed. */
  excerpt?: string;
  /** True when the option is absent and the value is the software's documented default. */
  implied?: boolean;
}

/** A value observed on the live device over the network. */
export interface ProbeOrigin {
  kind: "probe";
  probe: string;
  address: string;
  port?: number;
  transport?: "tcp" | "udp";
  time: string;
  excerpt?: string;
}

/** A value seen in a log or a syslog stream. */
export interface LogOrigin {
  kind: "log";
  file: string;
  line?: number;
  time?: string;
  excerpt?: string;
}

/** An operator's statement (attestation), for what software cannot observe. */
export interface AttestationOrigin {
  kind: "attestation";
  by: string;
  at: string;
  comment?: string;
}

export type Origin = ConfigOrigin | ProbeOrigin | LogOrigin | AttestationOrigin;

export interface Known<T> {
  readonly known: true;
  readonly value: T;
  readonly at: readonly Origin[];
}

export interface Unknown {
  readonly known: false;
  readonly reason: string;
  readonly at: readonly Origin[];
}

export type Fact<T> = Known<T> | Unknown;

export function known<T>(value: T, ...at: (Origin | undefined)[]): Known<T> {
  return { known: true, value, at: at.filter((o): o is Origin => o !== undefined) };
}

export function unknown(reason: string, ...at: (Origin | undefined)[]): Unknown {
  return { known: false, reason, at: at.filter((o): o is Origin => o !== undefined) };
}
