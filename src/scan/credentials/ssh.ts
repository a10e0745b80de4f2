/**
 * One SSH login with a username and password, with the ssh2 library: one connection, one
 * authentication request (password, or keyboard-interactive answering a single password prompt
 * where the server offers only that), then the connection is closed at once; no channel, shell
 * or command is ever opened.
 */
import ssh2 from "ssh2";
import type { Attempter, LoginResult } from "./types.js";

export type SshPasswordMethod = "password" | "keyboard-interactive";

// Also offer the legacy algorithms ssh2 knows, so an old device still completes the handshake.
const LEGACY: ssh2.Algorithms = {
  kex: {
    append: ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"],
    prepend: [],
    remove: [],
  },
  serverHostKey: { append: ["ssh-dss"], prepend: [], remove: [] },
  cipher: { append: ["aes128-cbc", "aes256-cbc", "3des-cbc"], prepend: [], remove: [] },
  hmac: { append: ["hmac-md5"], prepend: [], remove: [] },
} as ssh2.Algorithms;

export function sshAttempter(method: SshPasswordMethod): Attempter {
  return (ep, cred) =>
    new Promise<LoginResult>((resolve) => {
      const client = new ssh2.Client();
      let settled = false;
      let asked = 0;
      const finish = (r: LoginResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.removeAllListeners();
        client.on("error", () => {});
        client.end();
        resolve(r);
      };
      const timer = setTimeout(
        () => finish({ outcome: "inconclusive", note: "time-out" }),
        ep.timeoutMs,
      );
      client.on("ready", () => finish({ outcome: "accepted", note: `${method} accepted` }));
      client.on("error", (err: Error & { level?: string }) =>
        finish(
          err.level === "client-authentication"
            ? { outcome: "refused", note: `${method} refused` }
            : { outcome: "inconclusive", note: err.message },
        ),
      );
      client.on("close", () => finish({ outcome: "inconclusive", note: "connection closed" }));
      const authHandler = ((
        _methodsLeft: string[] | null,
        _partial: boolean | null,
        // ssh2 takes `false` for "no more methods", which its typings leave out.
        next: (m: ssh2.AnyAuthMethod | false) => void,
      ) => {
        // Exactly one authentication request per connection: the second call means refused.
        asked++;
        if (asked > 1) return next(false);
        if (method === "password")
          return next({ type: "password", username: cred.username, password: cred.password });
        return next({
          type: "keyboard-interactive",
          username: cred.username,
          prompt: (
            _name: string,
            _instructions: string,
            _lang: string,
            prompts: ssh2.Prompt[],
            answer: ssh2.KeyboardInteractiveCallback,
          ) =>
            // Only a lone password prompt gets the password; anything else (an OTP) gets nothing.
            answer(prompts.length === 1 ? [cred.password] : []),
        });
      }) as unknown as ssh2.ConnectConfig["authHandler"];
      try {
        client.connect({
          host: ep.address,
          port: ep.port,
          username: cred.username,
          readyTimeout: ep.timeoutMs,
          keepaliveInterval: 0,
          algorithms: LEGACY,
          hostVerifier: () => true,
          authHandler,
        });
      } catch (err) {
        finish({ outcome: "inconclusive", note: (err as Error).message });
      }
    });
}
