/**
 * `bulwark scan` side by side with the scanners people use, in one run on the lab
 * (scripts/lab.sh): open TCP ports as `nmap -sT` sees them, each SSH server's identification and
 * algorithm lists as `ssh-audit` reads them (and the weak ones both call weak), and the SIP devices
 * `svmap` finds. They must agree; where a peer genuinely sees something different, the comment
 * says why and the test asserts that relation instead of equality.
 *
 * Skipped with the reason when the lab is not up or a peer is not installed
 * (scripts/install-test-peers.sh); a failure in CI, where .ci/run installs and starts both.
 */
import { beforeAll, expect, it } from "vitest";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import type { SshResult } from "../src/scan/probes/ssh.js";
import { CLASS_PORTS, parsePorts } from "../src/scan/targets.js";
import { describeLab, lab, theLab } from "./support/lab.js";
import {
  missingPeers,
  nmapOpenPorts,
  type SshAuditLists,
  type SshAuditVerdict,
  type SvmapDevice,
  sshAuditJson,
  sshAuditVerdicts,
  svmapDevices,
} from "./support/peers.js";

/** Every class's default ports and Dropbear's 2222, for Bulwark and nmap alike. */
const PORT_SPEC = `${Object.values(CLASS_PORTS).join(",")},2222`;

/**
 * Key exchange "algorithms" that are protocol markers, not methods: RFC 8308's ext-info and
 * OpenSSH's strict-KEX flag (the Terrapin fix). ssh-audit lists them as it reads them; Bulwark
 * drops them from the kex list on purpose, since no key is ever exchanged with them.
 */
const KEX_MARKER = /^(ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com)$/;

/**
 * What ssh-audit flags and Bulwark does not, and why that is a difference of judgement rather than
 * a missed weakness. A flagged algorithm whose every fail/warn note is explained here is accepted;
 * any other note fails the test.
 */
const EXPLAINED: { note: RegExp; applies?: (v: SshAuditVerdict) => boolean; why: string }[] = [
  {
    note: /^using weak elliptic curves$/,
    why: "NIST P-256/384/521: ssh-audit distrusts them on principle; they have no known practical weakness and stay approved (NIST, BSI)",
  },
  {
    note: /^using encrypt-and-MAC mode$/,
    why: "encrypt-and-MAC with a sound MAC is a design preference (encrypt-then-MAC is better), not a weakness an attacker can use",
  },
  {
    note: /^(unknown algorithm|using experimental algorithm)$/,
    why: "ssh-audit 2.5.0 predates sntrup761x25519 (now OpenSSH's default) and the strict-KEX marker",
  },
  {
    note: /^using weak hashing algorithm$/,
    applies: (v) => v.kind === "mac" && /^hmac-sha1(-etm)?@?/.test(v.name),
    why: "HMAC-SHA1 does not rest on SHA-1's collision resistance; Bulwark flags SHA-1 in signatures and key exchange only",
  },
];

interface SshServer {
  address: string;
  port: number;
  audit: SshAuditLists;
  verdicts: SshAuditVerdict[];
}

describeLab(
  "scan side by side with nmap, ssh-audit and svmap",
  () => {
    const addresses = lab ? theLab().addresses : [];
    const ports = parsePorts(PORT_SPEC);
    const tcpPorts = ports.filter((p) => p.transport === "tcp").map((p) => p.port);
    let scans: HostScan[] = [];
    let nmap = new Map<string, number[]>();
    let ssh: SshServer[] = [];
    let svmap: SvmapDevice[] = [];
    const scanOf = (address: string) => scans.find((s) => s.address === address) as HostScan;
    const bulwarkSsh = (s: SshServer) =>
      scanOf(s.address).ssh.find((x) => x.port === s.port) as SshResult;

    beforeAll(async () => {
      scans = await scanTargets(addresses, { ports });
      nmap = nmapOpenPorts(addresses, tcpPorts);
      // Every SSH server the lab runs, whatever Bulwark found (its finding them is asserted below).
      ssh = Object.values(theLab().devices).flatMap((d) =>
        Object.values(d.services)
          .filter((s) => s.software === "OpenSSH" || s.software === "dropbear")
          .map((s) => ({
            address: d.address,
            port: s.port,
            audit: sshAuditJson(d.address, s.port),
            verdicts: sshAuditVerdicts(d.address, s.port),
          })),
      );
      svmap = svmapDevices(addresses);
    }, 120_000);

    it("open TCP ports: the same as nmap -sT, on every lab address", () => {
      expect(nmap.size).toBe(addresses.length);
      for (const address of addresses) {
        const ours = scanOf(address)
          .tcp.filter((t) => t.state === "open")
          .map((t) => t.port)
          .sort((a, b) => a - b);
        expect([address, ours]).toEqual([address, nmap.get(address)]);
      }
      // Not an empty agreement: the lab's devices do serve.
      expect([...nmap.values()].flat().length).toBeGreaterThanOrEqual(10);
    });

    it("SSH: the same servers, identification and algorithm lists as ssh-audit", () => {
      expect(ssh.length).toBe(3);
      const found = scans.flatMap((s) => s.ssh.map((x) => `${s.address}:${x.port}`)).sort();
      expect(found).toEqual(ssh.map((s) => `${s.address}:${s.port}`).sort());
      for (const s of ssh) {
        const ours = bulwarkSsh(s);
        const where = `${s.address}:${s.port}`;
        expect([where, ours.ident]).toEqual([where, s.audit.banner]);
        const a = ours.algorithms;
        expect(a).toBeDefined();
        if (!a) continue;
        expect([where, a.kex]).toEqual([where, s.audit.kex.filter((k) => !KEX_MARKER.test(k))]);
        expect([where, a.hostKey]).toEqual([where, s.audit.hostKey]);
        expect([where, a.cipher]).toEqual([where, s.audit.cipher]);
        expect([where, a.mac]).toEqual([where, s.audit.mac]);
        expect([where, a.compression]).toEqual([where, s.audit.compression]);
      }
      // OpenSSH on Debian 12 announces strict KEX: the one difference above, and a real one.
      expect(ssh.some((s) => s.audit.kex.some((k) => KEX_MARKER.test(k)))).toBe(true);
    });

    it("SSH weak algorithms: ssh-audit flags every one Bulwark flags; what only ssh-audit flags is explained", () => {
      let ourWeak = 0;
      for (const s of ssh) {
        const where = `${s.address}:${s.port}`;
        const ours = new Set(bulwarkSsh(s).weak.map((w) => w.name));
        const flagged = s.verdicts.filter((v) => v.notes.some((n) => n.level !== "info"));
        const flaggedNames = new Set(flagged.map((v) => v.name));
        ourWeak += ours.size;
        for (const name of ours)
          expect([where, name, flaggedNames.has(name)]).toEqual([where, name, true]);
        for (const v of flagged.filter((x) => !ours.has(x.name))) {
          const unexplained = v.notes
            .filter((n) => n.level !== "info")
            .filter((n) => !EXPLAINED.some((e) => e.note.test(n.text) && (e.applies?.(v) ?? true)))
            .map((n) => n.text);
          expect([where, v.name, unexplained]).toEqual([where, v.name, []]);
        }
      }
      // The weak router's legacy algorithms make this a real comparison.
      expect(ourWeak).toBeGreaterThanOrEqual(8);
    });

    it("SIP: the same devices as svmap, with the same user agent", () => {
      const ours = scans
        .flatMap((s) =>
          s.sip
            .filter((x) => x.transport === "udp" && x.options.outcome === "answered")
            .map((x) => ({
              address: s.address as string,
              port: x.port,
              userAgent: x.options.server ?? x.options.userAgent ?? "",
            })),
        )
        .sort((a, b) => a.address.localeCompare(b.address, "en", { numeric: true }));
      expect(ours).toEqual(svmap);
      expect(svmap.map((d) => d.address)).toEqual([
        theLab().devices["sip-auth"].address,
        theLab().devices["sip-open"].address,
      ]);
    });
  },
  missingPeers,
);
