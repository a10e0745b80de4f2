/**
 * What the logs showed happening on a device (`audit --logs`, or the var/log of a root given to
 * audit): brute-force campaigns per service, fail2ban's bans, and the access events the watcher
 * alerts on (administrative logins, configuration changes, links going down, SIM switches,
 * reboots). Every entry cites the log lines it comes from (LogOrigin: file, line, time, an excerpt
 * with secrets masked). No password, hash or challenge response is kept: for a failure only the
 * address, the time and how many user names were tried.
 */
import type { AccessEvent } from "../watch/types.js";
import type { Origin } from "./value.js";

/** The service a failure or a login was against. */
export type ObservedService = "ssh" | "sip" | "iax2" | "ami" | "web" | "provisioning";

/** One log read. */
export interface LogSourceRead {
  /** Path as the user gave it, or as shown inside the input (`root/var/log/auth.log`). */
  file: string;
  /** What it was read as: "syslog", "asterisk", "fail2ban", "web-error", "web-access", "provisioning", "any". */
  kind: string;
  /** Services whose failures this kind of log would show (an auth.log shows SSH, not SIP). */
  covers: ObservedService[];
  /** Lines read. */
  lines: number;
  /** The earliest and the latest timestamp read, and the lines that carried them. */
  from?: { line: number; time: string };
  to?: { line: number; time: string };
  /** Detectors run over it (built-in filter names and Bulwark's own). */
  detectors: string[];
}

/** The yardstick a campaign is measured with: when a jail would have banned. */
export interface BanThreshold {
  maxretry: number;
  findtimeSeconds: number;
  bantimeSeconds: number;
  /** The enabled fail2ban jail of the configuration it comes from; undefined: fail2ban's stock values. */
  jail?: string;
  /** Where the values were read (the jail's configuration lines), when they come from a jail. */
  at: Origin[];
}

/** One source address of a campaign. */
export interface AttackerSeen {
  address: string;
  /** Routable on the internet (not private, loopback or link-local). */
  public: boolean;
  failures: number;
  /** Distinct user names tried (the names themselves are not kept: a password typed as a name). */
  userNames: number;
  first: string;
  last: string;
  /** Most failures it made within findtime. */
  maxInFindtime: number;
  /** When it first reached maxretry within findtime: a jail with the threshold bans it there. */
  reachedThresholdAt?: string;
  /** Failures it made after that, while such a ban would still have held (bantime). */
  pastThreshold: number;
  /** Ban lines seen for it (fail2ban.log). */
  bans: number;
  /** Failures it made while one of those bans was in force (the ban did not stop it). */
  afterBan: number;
}

/** All the failures against one service within the logs read. */
export interface BruteForceCampaign {
  service: ObservedService;
  /** The detectors that recognised the failures ("sshd", "dropbear", "asterisk"...). */
  detectors: string[];
  failures: number;
  /** Distinct source addresses (also when `attackers` is cut short). */
  addressCount: number;
  first: string;
  last: string;
  /** The most failures one address made within findtime. */
  maxPerAddressInFindtime: number;
  threshold: BanThreshold;
  /** Addresses that went on failing past the threshold while a ban would have held. */
  continuedPastThreshold: number;
  failuresPastThreshold: number;
  /** Of those, the addresses no ban line was seen for (fail2ban never stopped them). */
  continuedUnbanned: number;
  /** Ban lines seen for the campaign's addresses. */
  bansSeen: number;
  /** Addresses that went on failing while a ban of theirs was in force. */
  continuedAfterBan: number;
  /** The addresses, most failures first (the first 50). */
  attackers: AttackerSeen[];
  /** A few of the failure lines (the first ones, and those past the threshold). */
  samples: Origin[];
}

/** A ban fail2ban logged (fail2ban.log: `NOTICE [sshd] Ban 203.0.113.5`). */
export interface BanSeen {
  jail: string;
  address: string;
  time?: string;
  /** "Restore Ban": re-applied from fail2ban's database at a restart. */
  restored: boolean;
  at: Origin[];
}

/** An access event as the watcher's detectors report it, dated by its line. */
export interface ObservedEvent {
  kind: AccessEvent["kind"];
  detail: string;
  /** From the line's own stamp; undefined when the line had none. */
  time?: string;
  /** The detector that recognised it ("openssh", "dropbear", "netifd"...). */
  detector: string;
  at: Origin[];
}

export interface LoginSeen extends ObservedEvent {
  kind: "login-success";
  /** "ssh", "webui", "ami", "ami-http", as the detector says. */
  service: string;
  user?: string;
  /** Undefined for a local login (console, no address in the line). */
  address?: string;
  public?: boolean;
  /** An earlier successful login in the window came from the same address. */
  seenBefore: boolean;
  /** Earlier logins in the window came from other addresses only: this address is new. */
  newAddress: boolean;
  /** Failures from the same address before this login, in the window. */
  failuresBefore: number;
}

export interface LinkEventSeen extends ObservedEvent {
  kind: "link-down" | "link-up";
  /** The port or device ("eth1", "lan2", "WAN"), or the logical network ("wan"). */
  interface?: string;
  /** A carrier change (kernel, netifd device, RutOS port): a cable. False: a logical interface. */
  physical: boolean;
}

export interface ObservedActivity {
  /** From the earliest to the latest timestamp read; undefined when no line had one. */
  window?: { from: string; to: string; hours: number };
  sources: LogSourceRead[];
  campaigns: BruteForceCampaign[];
  bans: BanSeen[];
  logins: LoginSeen[];
  configChanges: ObservedEvent[];
  links: LinkEventSeen[];
  simSwitches: ObservedEvent[];
  reboots: ObservedEvent[];
  /** Entries left out of the lists above once each held its cap (counts per list). */
  omitted: Record<string, number>;
}
