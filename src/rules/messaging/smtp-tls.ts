import type { EmailAccount } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { uciFixApplied } from "../cellular/kit.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

const WHERE =
  "WebUI: System > Administration > Recipients > Email accounts (RutOS 7.x: System > Users & Recipients)";

export const smtpTls: Rule = {
  meta: {
    id: "smtp-tls",
    title: "Notification email is sent over TLS, with authentication",
    severity: "medium",
    guidelines: ["RBT-15", "BAS-11"],
    modes: ["config"],
    appliesTo: ["router", "intercom"],
    rationale:
      "Without TLS the SMTP login and every alert cross the network in clear text, and anyone on the path can read or forge them. Robustel sends event notifications under TLS; BAS-IP asks for an SMTP server that requires authentication and whose certificate is verified.",
    remediation:
      "Turn on the secure (TLS/SSL) connection for every email account, use the provider's TLS port (465, or 587 with STARTTLS) and log in with the account's credentials.",
  },
  check(facts) {
    const email = facts.email;
    if (!email.known) return [unknownFrom(email, "SMTP encryption")];
    if (email.value.length === 0)
      return [notApplicable("no email account is configured", email.at)];
    return email.value.map((a) => {
      const subject = `email account '${a.name}'`;
      if (a.tls === "unknown")
        return undecided("whether the connection is encrypted cannot be read", a.at, { subject });
      if (a.tls === "none") {
        const port25 = a.port === undefined || a.port === 25;
        return fail(
          `${a.server || "the SMTP server"}${a.port ? `:${a.port}` : ""} is used without TLS${port25 ? " (port 25, no STARTTLS)" : ""}: ${a.authenticated ? "the mail password and " : ""}the notifications cross the network in clear text`,
          a.at,
          uciFixApplied(
            `Turn on the secure connection and use the provider's TLS port (${WHERE}: 'Secure connection'); 465 is implicit TLS, use 587 instead where the provider offers STARTTLS only:`,
            a.cfg
              ? [
                  { op: "set", ref: a.cfg, option: "secure_conn", value: "1" },
                  ...(port25
                    ? [{ op: "set" as const, ref: a.cfg, option: "smtp_port", value: "465" }]
                    : []),
                ]
              : [],
          ),
          { subject, severity: a.authenticated ? "high" : undefined },
        );
      }
      if (!a.authenticated)
        return fail(
          `${a.server}: mail is sent over ${a.tls.toUpperCase()} but without logging in`,
          a.at,
          {
            summary: `Turn on 'Credentials' for the account and enter its user name and password (${WHERE}); an open relay that needs no login can be abused and is often blocked.`,
          },
          { subject },
        );
      const cert = a.verifiesCertificate;
      return pass(
        `${a.server}: ${a.tls === "tls" ? "implicit TLS" : "STARTTLS"} with authentication${cert.known ? (cert.value ? ", server certificate verified" : "; the server certificate is NOT verified") : "; whether the server certificate is verified cannot be told from the configuration"}`,
        a.at,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "port 25 without TLS",
      facts: (f) => {
        asRouter(f);
        f.email = known([account({ tls: "none", port: 25 })], at("user_groups"));
      },
      expect: ["fail"],
    },
    {
      name: "TLS without login",
      facts: (f) => {
        asRouter(f);
        f.email = known([account({ tls: "tls", port: 465, authenticated: false })], at("ug"));
      },
      expect: ["fail"],
    },
    {
      name: "STARTTLS with login",
      facts: (f) => {
        asRouter(f);
        f.email = known([account({ tls: "starttls", port: 587 })], at("user_groups"));
      },
      expect: ["pass"],
    },
    {
      name: "no account",
      facts: (f) => {
        asRouter(f);
        f.email = known([], at("user_groups"));
      },
      expect: ["not_applicable"],
    },
  ],
};

function account(p: Partial<EmailAccount>): EmailAccount {
  return {
    name: "alerts",
    server: "smtp.example.com",
    port: 25,
    tls: "none",
    authenticated: true,
    verifiesCertificate: unknown("not configurable"),
    at: [at("config email 'alerts'")],
    cfg: { language: "uci", package: "user_groups", section: "alerts", sectionType: "email" },
    ...p,
  };
}
