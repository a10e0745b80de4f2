/**
 * Central authentication (RADIUS, TACACS+, LDAP) for administrators' logins.
 *
 * What exists on these platforms: OpenWrt's LuCI/rpcd and dropbear authenticate against local
 * accounts only (rpcd `login` sections, etc/shadow); neither has a RADIUS/TACACS+/LDAP option.
 * The one way in is PAM (openssh-server-pam or a PAM-enabled login plus a PAM module), which
 * shows in etc/pam.d. RutOS's WebUI and SSH use local users as well; the RADIUS settings RutOS
 * does have (Hotspot, the RADIUS server, WPA-Enterprise `auth_server` in etc/config/wireless)
 * authenticate network clients, not administrators, and are deliberately not counted here.
 *
 * So: PAM lines that load pam_radius(_auth), pam_tacplus, pam_ldap or pam_sss are recorded; in a
 * complete backup with none, the list is known and empty; in a partial input it is unknown.
 */
import type { CentralAuth, Facts } from "../../facts/model.js";
import { known, type Origin, unknown } from "../../facts/value.js";
import type { RouterContext } from "./context.js";

const PAM_MODULES: [RegExp, CentralAuth["protocol"]][] = [
  [/\bpam_radius(?:_auth)?\.so\b/, "radius"],
  [/\bpam_tacplus\.so\b/, "tacacs"],
  [/\bpam_(?:ldap|sss)\.so\b/, "ldap"],
];

/** PAM module arguments that carry secrets (pam_tacplus `secret=`, pam_ldap `bindpw=`). */
const PAM_SECRET_ARG_RE = /\b(secret|key|bindpw|password|passwd)=\S+/gi;

function fromPam(ctx: RouterContext): CentralAuth[] {
  const out: CentralAuth[] = [];
  for (const name of ctx.tree.list("etc/pam.d")) {
    const file = ctx.readFile(`etc/pam.d/${name}`, "pam");
    if (!file) continue;
    file.text.split("\n").forEach((raw, i) => {
      const line = raw.trim();
      // Only authentication decides who logs in: "auth" lines (also "-auth", PAM's optional form).
      if (!/^-?auth\s/.test(line)) return;
      for (const [re, protocol] of PAM_MODULES) {
        if (!re.test(line)) continue;
        const origin: Origin = {
          kind: "config",
          file: file.file,
          line: i + 1,
          excerpt: line.replace(PAM_SECRET_ARG_RE, "$1=<secret not shown>"),
        };
        out.push({ protocol, enabled: true, at: [origin] });
      }
    });
  }
  return out;
}

export function extractCentralAuth(ctx: RouterContext, facts: Facts): void {
  const found = fromPam(ctx);
  if (found.length > 0) {
    facts.centralAuth = known(found, ...found.flatMap((c) => c.at));
    return;
  }
  if (ctx.complete) {
    facts.centralAuth = known<CentralAuth[]>([], {
      kind: "config",
      file: ctx.tree.display("etc/pam.d"),
      excerpt:
        "no RADIUS/TACACS+/LDAP module in PAM: the web UI (rpcd) and SSH (dropbear) check local accounts only",
    });
    return;
  }
  facts.centralAuth = unknown(
    "the input is not a complete backup, so a RADIUS/TACACS+/LDAP login setup (etc/pam.d) may simply be missing from it",
  );
}
