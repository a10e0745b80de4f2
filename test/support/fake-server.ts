/**
 * Servers the scan tests write themselves, always on loopback (127.0.0.1, a free port each): a
 * registry that starts them and, after the tests, ends them together with the connections still
 * open; a port where nothing listens; and a throw-away self-signed certificate made by the
 * openssl CLI.
 */
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, createServer, Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const LOOPBACK = "127.0.0.1";

/** What `listen` needs of a server: node's net, http, https and tls servers, ssh2's. */
export interface Listenable {
  listen(port: number, host: string, callback: () => void): unknown;
  address(): unknown;
  close(callback?: () => void): unknown;
}

export class FakeServers {
  private readonly servers: Listenable[] = [];
  private readonly sockets = new Set<Socket>();

  /**
   * Starts `server` on a free loopback port, to be closed by `closeAll`; returns the port. The
   * connections of a node:net based server are kept, so that closing it need not wait for them.
   */
  async listen(server: Listenable): Promise<number> {
    this.servers.push(server);
    if (server instanceof Server) server.on("connection", (s: Socket) => this.track(s));
    await new Promise<void>((r) => server.listen(0, LOOPBACK, r));
    return (server.address() as AddressInfo).port;
  }

  /**
   * Keeps a connection to destroy in `closeAll`. Its errors are ignored: the probes under test
   * hang up mid-exchange on purpose.
   */
  track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => this.sockets.delete(socket));
  }

  /** A plain TCP server handing every connection to `onConnection`; returns its port. */
  tcp(onConnection: (socket: Socket) => void): Promise<number> {
    return this.listen(
      createServer((socket) => {
        this.track(socket);
        onConnection(socket);
      }),
    );
  }

  /** Ends the connections still open, then every server started here. */
  async closeAll(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** A loopback TCP port that was just free: nothing listens on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, LOOPBACK, r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A loopback UDP port that was just free: a datagram to it gets an ICMP port-unreachable. */
export async function closedUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, LOOPBACK, r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

/** What `p` gives, and how many milliseconds it took. */
export async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = Date.now();
  const r = await p;
  return [r, Date.now() - t0];
}

/** A self-signed certificate for `/CN=<name>` (RSA, 30 days) and its key, in PEM. */
export function selfSignedCertificate(name: string, bits = 2048): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-cert-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", `rsa:${bits}`, "-nodes", "-days", "30"],
        ...["-subj", `/CN=${name}`, "-keyout", key, "-out", cert],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
