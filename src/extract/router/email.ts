/**
 * Email accounts Teltonika routers send notifications with (System > Administration > Recipients >
 * Email accounts): `config email` sections of etc/config/user_groups with smtp_ip, smtp_port,
 * secure_conn (TLS/SSL on or off, default off), credentials (log in or not), username, password.
 * The configuration has no switch for server-certificate verification, so that stays unknown
 * whenever the connection is encrypted.
 */
import type { EmailAccount, Facts } from "../../facts/model.js";
import { type ConfigOrigin, known, unknown } from "../../facts/value.js";
import { bool, int, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { RouterContext } from "./context.js";
import { presence } from "./presence.js";

export function extractEmail(ctx: RouterContext, facts: Facts): void {
  const p = presence(ctx, "user_groups", "no email account");
  if (p.state === "unknown") {
    facts.email = unknown(p.reason);
    return;
  }
  if (p.state === "absent") {
    facts.email = known([], p.origin);
    return;
  }
  const pkg = p.pkg;
  const accounts: EmailAccount[] = sectionsOfType(pkg, "email").map((s) => {
    const name = str(s, "name") ?? s.name ?? s.ref;
    const port = int(s, "smtp_port");
    const secure = bool(s, "secure_conn");
    const authenticated = bool(s, "credentials") === true;
    const password = str(s, "password");
    // Assessed only so that reuse of this password elsewhere on the device can be reported.
    if (authenticated && password) ctx.noteSecret(`email account '${name}'`, password);
    // secure_conn: implicit TLS on the SMTPS port, STARTTLS on the submission/plain ports.
    const tls: EmailAccount["tls"] =
      secure === undefined
        ? s.options.has("secure_conn")
          ? "unknown"
          : "none"
        : secure
          ? port === 465
            ? "tls"
            : "starttls"
          : "none";
    const at: ConfigOrigin[] = [
      s.options.has("smtp_ip") ? ctx.origin(pkg, s, "smtp_ip") : ctx.origin(pkg, s),
      ctx.originOr(pkg, s, "secure_conn", "0"),
    ];
    if (s.options.has("smtp_port")) at.push(ctx.origin(pkg, s, "smtp_port"));
    at.push(ctx.originOr(pkg, s, "credentials", "0"));
    return {
      name,
      server: str(s, "smtp_ip") ?? "",
      port,
      tls,
      authenticated,
      verifiesCertificate:
        tls === "none"
          ? known(false, ctx.originOr(pkg, s, "secure_conn", "0"))
          : unknown(
              "RutOS email accounts have no setting that shows whether the server certificate is verified",
              ctx.origin(pkg, s),
            ),
      at,
      cfg: ctx.ref(pkg, s),
    };
  });
  facts.email = known(accounts, { kind: "config", file: pkg.file });
}
