/**
 * One telnet login: wait for the login prompt, send the user name, wait for the password prompt,
 * send the password, and read what follows: a shell prompt means accepted; "Login incorrect" or a
 * new login prompt means refused. Every option the server proposes is declined (telnet's
 * WONT/DONT: ../telnet-negotiation.ts), which leaves a plain line-by-line session. The session
 * text is never kept beyond this function, as the server may echo what was typed.
 */
import { Socket } from "node:net";
import { TelnetNegotiator } from "../telnet-negotiation.js";
import type { Attempter, LoginResult } from "./types.js";

/** Most text kept while waiting for a prompt: enough for any banner. */
const TEXT_CAP = 16 * 1024;

const LOGIN_PROMPT = /(?:login|user ?name|user)\s*:\s*$/i;
const PASSWORD_PROMPT = /pass(?:word|code)?\s*:\s*$/i;
// Failure messages only: a banner after a good login may well say "failsafe" or "invalid".
const REFUSED =
  /login incorrect|incorrect password|password incorrect|access denied|authentication failed|login failed|invalid (?:login|password|user)|wrong password/i;
const SHELL_PROMPT = /[#$>%]\s*$/;

export const telnetLogin: Attempter = (ep, cred) =>
  new Promise<LoginResult>((resolve) => {
    const socket = new Socket();
    const negotiator = new TelnetNegotiator();
    let stage: "login" | "password" | "result" = "login";
    let text = "";
    let settled = false;
    const finish = (r: LoginResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      text = "";
      if (r.outcome === "accepted" && !socket.destroyed) socket.end("exit\r\n");
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ outcome: "inconclusive", note: `time-out waiting at the ${stage} stage` }),
      ep.timeoutMs,
    );
    const send = (line: string) => {
      text = "";
      socket.write(`${line}\r\n`);
    };
    socket.on("data", (data: Buffer) => {
      const reply = negotiator.feed(data);
      if (reply.length > 0) socket.write(reply);
      text = (text + negotiator.take()).slice(-TEXT_CAP);
      const tail = text.replace(/[\r\n\0]+$/, "");
      if (stage === "login") {
        if (PASSWORD_PROMPT.test(tail)) {
          // A password-only login (no user name asked).
          stage = "result";
          send(cred.password);
        } else if (LOGIN_PROMPT.test(tail)) {
          stage = "password";
          send(cred.username);
        }
      } else if (stage === "password") {
        if (PASSWORD_PROMPT.test(tail)) {
          stage = "result";
          send(cred.password);
        } else if (REFUSED.test(text) || LOGIN_PROMPT.test(tail))
          finish({ outcome: "refused", note: "user name refused" });
      } else if (LOGIN_PROMPT.test(tail)) {
        finish({ outcome: "refused", note: "asked to log in again" });
      } else if (SHELL_PROMPT.test(tail)) {
        finish({ outcome: "accepted", note: "shell prompt after the password" });
      } else if (REFUSED.test(text)) {
        finish({ outcome: "refused", note: "login refused" });
      }
    });
    socket.on("error", (err) => finish({ outcome: "inconclusive", note: err.message }));
    socket.on("close", () =>
      finish({ outcome: "inconclusive", note: `closed at the ${stage} stage` }),
    );
    socket.connect({ host: ep.address, port: ep.port });
  });
