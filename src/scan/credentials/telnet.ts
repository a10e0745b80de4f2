/**
 * One telnet login: wait for the login prompt, send the user name, wait for the password prompt,
 * send the password, and read what follows: a shell prompt means accepted; "Login incorrect" or a
 * new login prompt means refused. Every option the server proposes is declined (telnet's
 * WONT/DONT), which leaves a plain line-by-line session. The session text is never kept beyond
 * this function, as the server may echo what was typed.
 */
import { Socket } from "node:net";
import type { Attempter, LoginResult } from "./types.js";

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

/** Most text kept while waiting for a prompt: enough for any banner. */
const TEXT_CAP = 16 * 1024;

const LOGIN_PROMPT = /(?:login|user ?name|user)\s*:\s*$/i;
const PASSWORD_PROMPT = /pass(?:word|code)?\s*:\s*$/i;
// Failure messages only: a banner after a good login may well say "failsafe" or "invalid".
const REFUSED =
  /login incorrect|incorrect password|password incorrect|access denied|authentication failed|login failed|invalid (?:login|password|user)|wrong password/i;
const SHELL_PROMPT = /[#$>%]\s*$/;

/**
 * Strips telnet commands from `data` and returns the text and the refusals to send back.
 * `state` carries an IAC sequence split across reads.
 */
export function telnetDecode(
  data: Buffer,
  state: { pending: number[]; inSub: boolean },
): { text: string; reply: number[] } {
  let text = "";
  const reply: number[] = [];
  for (const b of data) {
    const p = state.pending;
    if (state.inSub) {
      // Inside a subnegotiation: skip until IAC SE.
      if (p.length === 0 && b === IAC) p.push(b);
      else if (p.length === 1 && b === SE) {
        state.inSub = false;
        p.length = 0;
      } else p.length = 0;
      continue;
    }
    if (p.length === 0) {
      if (b === IAC) p.push(b);
      else text += String.fromCharCode(b);
      continue;
    }
    if (p.length === 1) {
      if (b === IAC) {
        text += String.fromCharCode(IAC);
        p.length = 0;
      } else if (b === DO || b === DONT || b === WILL || b === WONT) p.push(b);
      else if (b === SB) {
        state.inSub = true;
        p.length = 0;
      } else p.length = 0;
      continue;
    }
    const verb = p[1];
    if (verb === DO) reply.push(IAC, WONT, b);
    else if (verb === WILL) reply.push(IAC, DONT, b);
    p.length = 0;
  }
  return { text, reply };
}

export const telnetLogin: Attempter = (ep, cred) =>
  new Promise<LoginResult>((resolve) => {
    const socket = new Socket();
    const decoder = { pending: [] as number[], inSub: false };
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
      const { text: t, reply } = telnetDecode(data, decoder);
      if (reply.length > 0) socket.write(Buffer.from(reply));
      text = (text + t).slice(-TEXT_CAP);
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
