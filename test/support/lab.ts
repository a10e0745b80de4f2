/**
 * The scan test lab (scripts/lab.sh): real Debian servers in network namespace `bwlab`, reached
 * from this host at 10.203.0.2-10.203.0.9. `sudo bash scripts/lab.sh up` writes a ready file that
 * says which address plays which device, which ports each serves and the throw-away credentials
 * generated for this run; this module reads it. Without the lab the tests that need it are skipped
 * with the reason printed; in CI (CI=true), where .ci/run starts the lab, a missing lab fails.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "vitest";

export const LAB_READY = process.env.BULWARK_LAB_READY ?? "/run/bulwark-lab/ready";

export type LabDeviceId = "weak-router" | "hardened-router" | "sip-auth" | "sip-open";

/** One server of a device, as the lab configured it (fields depend on the service). */
export interface LabService {
  port: number;
  transport?: "tcp" | "udp";
  transports?: ("tcp" | "udp")[];
  software: string;
  tls?: boolean;
  passwordAuth?: boolean;
  anonymous?: boolean;
  legacyAlgorithms?: string[];
  user?: string;
  password?: string;
  privateKey?: string;
  community?: string;
  access?: string;
  loginPage?: string;
  loginMarkers?: string[];
  basicAuthPath?: string;
  basicAuthRealm?: string;
  redirect?: string;
  tlsVersions?: string[];
  selfSigned?: boolean;
  certificate?: string;
  subject?: string;
  ca?: string;
  auth?: "digest" | "none";
  realm?: string;
  sysName?: string;
}

export interface LabDevice {
  address: string;
  label: string;
  /** TCP ports a server listens on: every other port of the address refuses. */
  tcp: number[];
  udp: number[];
  services: Record<string, LabService>;
}

export interface Lab {
  namespace: string;
  hostAddress: string;
  /** Every address of the namespace, used or not. */
  addresses: string[];
  startedAt: string;
  upSeconds: number;
  devices: Record<LabDeviceId, LabDevice>;
}

function readLab(): { lab?: Lab; reason?: string } {
  if (process.platform !== "linux") return { reason: "not Linux" };
  if (!existsSync(LAB_READY))
    return { reason: `lab not up: run sudo bash scripts/lab.sh up (no ${LAB_READY})` };
  try {
    const lab = JSON.parse(readFileSync(LAB_READY, "utf8")) as Lab;
    if (!lab.devices?.["weak-router"]?.address)
      return { reason: `${LAB_READY} does not describe the devices` };
    return { lab };
  } catch (err) {
    return {
      reason: `cannot read ${LAB_READY} (${(err as Error).message}): run sudo bash scripts/lab.sh up`,
    };
  }
}

const state = readLab();

/** The lab, when its ready file is there; undefined otherwise (see `labSkipReason`). */
export const lab: Lab | undefined = state.lab;
export const labSkipReason: string | undefined = state.reason;
export const inCi = process.env.CI === "true";

/** The lab, for code that runs only inside `describeLab` (where it is known to be up). */
export function theLab(): Lab {
  if (!lab) throw new Error(labSkipReason ?? "lab not up");
  return lab;
}

export function device(id: LabDeviceId): LabDevice {
  return theLab().devices[id];
}

/** One server of a lab device, by its name in the ready file ("http", "mqtt"...). */
export function labService(id: LabDeviceId, name: string): LabService {
  const s = device(id).services[name];
  if (!s) throw new Error(`the lab's ${id} has no ${name}`);
  return s;
}

/** The same skip notice once per file, not once per describe. */
const announced = new Set<string>();

function announce(what: string, reason: string): void {
  if (announced.has(`${what}\0${reason}`)) return;
  announced.add(`${what}\0${reason}`);
  process.stderr.write(`\n[bulwark] SKIPPED ${what}: ${reason}\n`);
}

/**
 * `describe` that runs only when the lab is up (and `extra()`, if given, names nothing missing,
 * e.g. a peer program). Otherwise the reason is printed and the tests are skipped, except in CI,
 * where the lab and its peers are installed and started by .ci/run: there a missing piece is a
 * failing test.
 */
export function describeLab(name: string, fn: () => void, extra?: () => string | undefined): void {
  const reason = labSkipReason ?? extra?.();
  if (!reason) {
    describe(`${name} [lab]`, fn);
    return;
  }
  if (inCi) {
    describe(`${name} [lab]`, () => {
      it("has the scan lab and its peers (CI starts them in .ci/run)", () => {
        throw new Error(`${reason} (CI=true: .ci/run should have started it)`);
      });
    });
    return;
  }
  announce(`${name} [lab]`, reason);
  // The body reads the lab's addresses while collecting tests, so it is not run at all.
  describe.skip(`${name} [lab]`, () => {
    it(reason, () => {});
  });
}
