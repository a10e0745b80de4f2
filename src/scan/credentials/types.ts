/**
 * Shared shapes of the default-credential attempters (one module per login). An attempter sends
 * one username/password pair once and says what came back; it never throws, never retries, and
 * never reports the password: results carry only the outcome and a secret-free note.
 */

/** "inconclusive": no clear yes or no (time-out, an unexpected answer): not counted as refused. */
export type LoginOutcome = "accepted" | "refused" | "inconclusive";

export interface LoginResult {
  outcome: LoginOutcome;
  /** Why, for the report (never the password, never the server's session data). */
  note?: string;
}

export interface Endpoint {
  address: string;
  port: number;
  /** Speak TLS (HTTPS); the device's certificate is not verified: we test it, not trust it. */
  tls: boolean;
  timeoutMs: number;
}

export interface Credential {
  username: string;
  password: string;
}

export type Attempter = (ep: Endpoint, cred: Credential) => Promise<LoginResult>;
