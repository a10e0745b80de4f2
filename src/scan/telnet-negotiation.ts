/**
 * Telnet's in-band commands (RFC 854/855), as both telnet clients here handle them: the probe that
 * reads to the login prompt and the default-credentials login. Every option the server asks for
 * or offers is refused (DO → WONT, WILL → DONT), each once (RFC 854's rule against negotiation
 * loops), which leaves a plain line-by-line session; subnegotiations are skipped. Sequences split
 * across reads carry over to the next `feed`.
 */

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

const CMD_NAMES: Record<number, string> = {
  [DO]: "DO",
  [DONT]: "DONT",
  [WILL]: "WILL",
  [WONT]: "WONT",
};

/** Options recorded at most: a server that proposes more is only flooding. */
const MAX_OPTIONS = 32;

/** Strips telnet commands from the stream, collecting the replies that refuse each option. */
export class TelnetNegotiator {
  /** The text received so far (commands stripped, NULs dropped) not yet taken. */
  text = "";
  /** What the server asked for or offered, as "DO 24", "WILL 1" (all refused). */
  options: string[] = [];
  /** The server sent at least one command (IAC ...). */
  negotiated = false;
  private state: "data" | "iac" | "option" | "sb" | "sb-iac" = "data";
  private cmd = 0;
  private readonly answered = new Set<string>();

  /** Feeds bytes; returns what to send back (possibly nothing). */
  feed(bytes: Buffer): Buffer {
    const reply: number[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case "data":
          if (b === IAC) this.state = "iac";
          else if (b !== 0) this.text += String.fromCharCode(b);
          break;
        case "iac":
          this.negotiated = true;
          if (b === IAC) {
            this.text += "\xff";
            this.state = "data";
          } else if (b === DO || b === DONT || b === WILL || b === WONT) {
            this.cmd = b;
            this.state = "option";
          } else this.state = b === SB ? "sb" : "data";
          break;
        case "option": {
          const key = `${CMD_NAMES[this.cmd]} ${b}`;
          if (!this.answered.has(key)) {
            this.answered.add(key);
            if (this.options.length < MAX_OPTIONS) this.options.push(key);
            // Refuse: we will not do it, and the server need not do it for us.
            if (this.cmd === DO) reply.push(IAC, WONT, b);
            else if (this.cmd === WILL) reply.push(IAC, DONT, b);
          }
          this.state = "data";
          break;
        }
        case "sb":
          if (b === IAC) this.state = "sb-iac";
          break;
        case "sb-iac":
          this.state = b === SE ? "data" : "sb";
          break;
      }
    }
    return Buffer.from(reply);
  }

  /** The text received since the last call, which it forgets. */
  take(): string {
    const t = this.text;
    this.text = "";
    return t;
  }
}
