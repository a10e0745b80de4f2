/**
 * RTSP (RFC 2326) without credentials: `OPTIONS`, then `DESCRIBE` of the root and, while nothing
 * decided, of a couple of common stream paths; at most four requests, one connection each. A 200
 * with an SDP description is a stream anyone may watch; a 401 says authentication is required
 * (and which scheme: Basic over plain RTSP sends the password readable); a 403 is a refusal.
 * Never throws and never sends a credential; garbage, stalls, mid-answer closes and floods end as
 * "not-rtsp" or "no-answer" within the time-out.
 */
import { isIP, Socket } from "node:net";
import { clean, USER_AGENT } from "./http.js";

export interface RtspAnswer {
  method: "OPTIONS" | "DESCRIBE";
  url: string;
  status: number;
  reason: string;
  server?: string;
  /** Methods listed in an OPTIONS answer's Public header. */
  methods?: string[];
  /** WWW-Authenticate challenges, as sent. */
  authenticate: string[];
  contentType?: string;
  /** The body is a session description (SDP). */
  sdp: boolean;
  /** Media the SDP describes ("video", "audio"). */
  media?: string[];
}

export type StreamVerdict = "anonymous" | "auth-required" | "forbidden" | "not-found" | "undecided";

export interface RtspResult {
  address: string;
  port: number;
  state: "rtsp" | "not-rtsp" | "no-answer" | "error";
  answers: RtspAnswer[];
  /** What DESCRIBE without credentials decided, and on which path. */
  stream?: { verdict: StreamVerdict; path?: string; schemes: string[] };
  error?: string;
  time: string;
}

export interface RtspOptions {
  /** Whole probe time-out (default 3000 ms). */
  timeoutMs?: number;
  /** The name the user gave, used in request URLs instead of the address. */
  host?: string;
  /** Stream paths described in turn until one decides (default: the root and two common ones). */
  paths?: string[];
}

/**
 * The root, then two paths many cameras and intercoms publish a stream on. BAS-IP documents no
 * fixed path, so none of theirs is guessed.
 */
export const DEFAULT_PATHS = ["/", "/live", "/stream1"];

const MAX_BYTES = 64 * 1024;

type Parsed =
  | { ok: true; answer: Omit<RtspAnswer, "method" | "url"> }
  | { ok: false; state: RtspResult["state"]; error: string };

/** Parses one RTSP answer from `buf`; undefined while incomplete. */
export function parseRtspAnswer(buf: Buffer, closed: boolean): Parsed | undefined {
  const head = buf.subarray(0, 5).toString("latin1");
  if (!"RTSP/".startsWith(head.slice(0, Math.min(5, head.length))))
    return {
      ok: false,
      state: "not-rtsp",
      error: `answered ${JSON.stringify(clean(buf.subarray(0, 40).toString("latin1"), 40))}`,
    };
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) {
    if (buf.length >= MAX_BYTES)
      return { ok: false, state: "not-rtsp", error: "headers never ended" };
    return closed
      ? { ok: false, state: buf.length ? "not-rtsp" : "no-answer", error: "closed mid-answer" }
      : undefined;
  }
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^RTSP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!status?.[1])
    return {
      ok: false,
      state: "not-rtsp",
      error: `status line ${JSON.stringify(clean(lines[0] ?? "", 60))}`,
    };
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  const one = (n: string) => headers.get(n)?.[0];
  const length = Math.min(Number(one("content-length") ?? 0) || 0, MAX_BYTES);
  const body = buf.subarray(end + 4, end + 4 + length);
  // Wait for the whole body, unless the peer hung up or the cap was reached.
  if (body.length < length && !closed && buf.length < MAX_BYTES) return undefined;
  const text = body.toString("latin1");
  const contentType = one("content-type");
  const sdp = /^v=0\r?$/m.test(text) || /application\/sdp/i.test(contentType ?? "");
  const media = [...text.matchAll(/^m=(\w+)/gm)].map((m) => m[1] as string);
  const server = one("server");
  const pub = one("public");
  return {
    ok: true,
    answer: {
      status: Number(status[1]),
      reason: clean(status[2] ?? "", 60),
      ...(server ? { server: clean(server, 120) } : {}),
      ...(pub
        ? {
            methods: pub
              .split(",")
              .map((m) => clean(m, 20))
              .filter(Boolean)
              .slice(0, 20),
          }
        : {}),
      authenticate: (headers.get("www-authenticate") ?? []).map((a) => clean(a, 120)),
      ...(contentType ? { contentType: clean(contentType, 60) } : {}),
      sdp,
      ...(sdp && media.length ? { media: [...new Set(media)] } : {}),
    },
  };
}

function request(address: string, port: number, text: string, deadline: number): Promise<Parsed> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let connected = false;
    const finish = (r: Parsed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("data");
      socket.destroy();
      resolve(r);
    };
    const check = (closed: boolean) => {
      const buf = Buffer.concat(chunks);
      const r = parseRtspAnswer(buf, closed);
      if (r) finish(r);
      else if (closed) finish({ ok: false, state: "no-answer", error: "closed before answering" });
    };
    const timer = setTimeout(
      () => {
        // Headers complete but the body stalled: the answer still counts, cut where it stopped.
        const partial = size ? parseRtspAnswer(Buffer.concat(chunks), true) : undefined;
        if (partial?.ok) return finish(partial);
        finish(
          size
            ? { ok: false, state: "not-rtsp", error: "answer never completed" }
            : { ok: false, state: "no-answer", error: "time-out" },
        );
      },
      Math.max(1, deadline - Date.now()),
    );
    socket.on("connect", () => {
      connected = true;
      socket.write(text);
    });
    socket.on("data", (d: Buffer) => {
      // Keep at most the cap: a flood is cut, not buffered.
      const room = MAX_BYTES - size;
      if (room <= 0) return;
      chunks.push(d.length > room ? d.subarray(0, room) : d);
      size += Math.min(d.length, room);
      check(size >= MAX_BYTES);
    });
    socket.on("end", () => check(true));
    socket.on("close", () => check(true));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (size > 0) return check(true);
      finish({
        ok: false,
        state:
          connected || err.code === "ECONNREFUSED" || err.code === "ECONNRESET"
            ? "no-answer"
            : "error",
        error: err.code ?? err.message,
      });
    });
    socket.connect({ host: address, port });
  });
}

function verdictOf(a: RtspAnswer): StreamVerdict {
  if (a.status === 200 && a.sdp) return "anonymous";
  if (a.status === 401) return "auth-required";
  if (a.status === 403) return "forbidden";
  if (a.status === 404) return "not-found";
  return "undecided";
}

export function challengeSchemes(a: RtspAnswer): string[] {
  return a.authenticate
    .map((c) => (/^\s*([\w-]+)/.exec(c)?.[1] ?? "").toLowerCase())
    .filter(Boolean);
}

export async function rtspProbe(
  address: string,
  port: number,
  opts: RtspOptions = {},
): Promise<RtspResult> {
  const time = new Date().toISOString();
  const deadline = Date.now() + (opts.timeoutMs ?? 3000);
  const host =
    opts.host && !isIP(opts.host) ? opts.host : isIP(address) === 6 ? `[${address}]` : address;
  const base = `rtsp://${host}:${port}`;
  const result: RtspResult = { address, port, state: "no-answer", answers: [], time };
  let cseq = 0;
  const send = async (method: RtspAnswer["method"], path: string) => {
    const url = `${base}${path}`;
    cseq++;
    const text =
      `${method} ${url} RTSP/1.0\r\nCSeq: ${cseq}\r\nUser-Agent: ${USER_AGENT}\r\n` +
      `${method === "DESCRIBE" ? "Accept: application/sdp\r\n" : ""}\r\n`;
    const r = await request(address, port, text, deadline);
    if (!r.ok) return r;
    const answer: RtspAnswer = { method, url, ...r.answer };
    result.answers.push(answer);
    return { ok: true as const, answer };
  };
  const options = await send("OPTIONS", "/");
  if (!options.ok) return { ...result, state: options.state, error: options.error };
  result.state = "rtsp";
  let decided: RtspResult["stream"];
  for (const path of (opts.paths ?? DEFAULT_PATHS).slice(0, 3)) {
    if (Date.now() >= deadline) break;
    const d = await send("DESCRIBE", path);
    if (!d.ok) {
      result.error = `DESCRIBE ${path}: ${d.error}`;
      break;
    }
    const verdict = verdictOf(d.answer);
    decided = { verdict, path, schemes: challengeSchemes(d.answer) };
    // Anonymous, challenged or refused: decided. Not found (or odd): try the next path.
    if (verdict === "anonymous" || verdict === "auth-required" || verdict === "forbidden") break;
  }
  // Some servers challenge even OPTIONS; that decides when no DESCRIBE did.
  if ((!decided || decided.verdict === "undecided") && options.answer.status === 401)
    decided = { verdict: "auth-required", path: "/", schemes: challengeSchemes(options.answer) };
  if (decided) result.stream = decided;
  return result;
}
