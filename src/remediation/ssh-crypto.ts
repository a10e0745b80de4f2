/**
 * Fixes for weak SSH algorithms, by server: OpenSSH takes algorithm lists in sshd_config (only
 * the kinds found weak are set, with lists its release understands); Dropbear fixes them when it
 * is built, so the fix is a newer release; anything else gets the fix in general terms.
 */
import type { SoftwareSeen, SshPosture } from "../facts/model.js";
import type { Fix } from "../rules/types.js";
import { sshdFix } from "./sshd.js";
import { atLeast } from "./tls.js";

type WeakKind = SshPosture["weak"][number]["kind"];

/** Lists for OpenSSH 7.4 and later (curve25519-sha256 by that name, rsa-sha2 signatures). */
const OPENSSH_LISTS: Record<WeakKind, [string, string]> = {
  kex: [
    "KexAlgorithms",
    "curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256",
  ],
  hostkey: [
    "HostKeyAlgorithms",
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
  ],
  cipher: [
    "Ciphers",
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr",
  ],
  mac: [
    "MACs",
    "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512,hmac-sha2-256",
  ],
};

const ORDER: WeakKind[] = ["kex", "hostkey", "cipher", "mac"];

export function sshAlgorithmsFix(sw: SoftwareSeen | undefined, weak: SshPosture["weak"]): Fix {
  const kinds = ORDER.filter((k) => weak.some((w) => w.kind === k));
  if (sw?.product === "openssh") {
    if (sw.version && !atLeast(sw.version, [7, 4]))
      return {
        summary: `OpenSSH ${sw.version} is too old for a safe algorithm list (these names need 7.4 or later, and it no longer gets security fixes): update OpenSSH (or the firmware that ships it), then restrict ${kinds.map((k) => OPENSSH_LISTS[k][0]).join(", ")} in sshd_config.`,
      };
    const dsa = weak.some((w) => w.name === "ssh-dss");
    return sshdFix(
      `Offer only strong algorithms${dsa ? ", and delete the HostKey line for ssh_host_dsa_key" : ""}; keep this session open until a new login works:`,
      { language: "sshd", file: "/etc/ssh/sshd_config" },
      kinds.map((k) => OPENSSH_LISTS[k]),
    );
  }
  if (sw?.product === "dropbear")
    return {
      summary: `Dropbear${sw.version ? ` ${sw.version}` : ""} chooses its algorithms when it is built (localoptions.h); there is no runtime option to remove them. Update to a current Dropbear release (on OpenWrt/RutOS: update the firmware), or replace it with OpenSSH configured with strong algorithm lists.`,
    };
  return {
    summary: `Remove ${weak.map((w) => w.name).join(", ")} from the SSH server's ${kinds.join(", ")} lists (its configuration, or a firmware update where it has no such setting).`,
  };
}
