import { describe, expect, it } from "vitest";
import { Limiter, progressBar } from "../src/scan/limiter.js";
import {
  CLASS_PORTS,
  defaultPorts,
  parsePorts,
  parseTargets,
  TargetError,
} from "../src/scan/targets.js";

describe("scan targets", () => {
  it("keeps hosts and addresses as named, without duplicates", () => {
    expect(parseTargets(["127.0.0.1", "::1", "[::1]", "Router.LAN", "127.0.0.1"])).toEqual([
      "127.0.0.1",
      "::1",
      "router.lan",
    ]);
  });

  it("expands an IPv4 CIDR to its hosts only", () => {
    const hosts = parseTargets(["127.0.0.0/30"]);
    expect(hosts).toEqual(["127.0.0.1", "127.0.0.2"]);
    expect(parseTargets(["127.0.0.9/32"])).toEqual(["127.0.0.9"]);
    expect(parseTargets(["127.0.0.4/31"])).toEqual(["127.0.0.4", "127.0.0.5"]);
    expect(parseTargets(["10.1.2.3/22"])).toHaveLength(1022);
    expect(parseTargets(["10.1.2.3/22"])[0]).toBe("10.1.0.1");
  });

  it("refuses IPv4 ranges wider than /22 unless allowed, and never wider than /16", () => {
    expect(() => parseTargets(["10.0.0.0/21"])).toThrow(/--allow-large/);
    expect(() => parseTargets(["0.0.0.0/0"])).toThrow(TargetError);
    expect(parseTargets(["10.0.0.0/21"], { allowLarge: true })).toHaveLength(2046);
    expect(() => parseTargets(["10.0.0.0/15"], { allowLarge: true })).toThrow(/\/16/);
  });

  it("expands IPv6 up to /120 and refuses wider", () => {
    const h = parseTargets(["fd00::1:0/120"]);
    expect(h).toHaveLength(256);
    expect(h[0]).toBe("fd00::1:0");
    expect(h[255]).toBe("fd00::1:ff");
    expect(parseTargets(["::1/128"])).toEqual(["::1"]);
    expect(() => parseTargets(["fd00::/119"])).toThrow(/\/120/);
    expect(() => parseTargets(["fd00::/64"], { allowLarge: true })).toThrow(TargetError);
  });

  it("reads a targets file with comments, naming the line of a bad entry", () => {
    const files: Record<string, string> = {
      "t.txt": "# lab\n127.0.0.1   # sshd\n\n127.0.0.2, ::1\n",
      "bad.txt": "127.0.0.1\nnot_a host!\n",
    };
    const readFile = (p: string) => {
      const t = files[p];
      if (t === undefined) throw new Error("ENOENT");
      return t;
    };
    expect(parseTargets(["@t.txt"], { readFile })).toEqual(["127.0.0.1", "127.0.0.2", "::1"]);
    expect(() => parseTargets(["@bad.txt"], { readFile })).toThrow(/bad\.txt:2:/);
    expect(() => parseTargets(["@missing"], { readFile })).toThrow(/cannot read targets file/);
  });

  it("rejects junk", () => {
    for (const bad of ["", "1.2.3", "127.0.0.1/33", "::1/129", "a..b", "1.2.3.4/x", "-x"])
      expect(() => parseTargets([bad]), bad).toThrow(TargetError);
  });
});

describe("scan ports", () => {
  it("parses ports, ranges and transports", () => {
    expect(parsePorts("22, 161/udp,5060/tcp+udp,4200-4202")).toEqual([
      { port: 22, transport: "tcp" },
      { port: 161, transport: "udp" },
      { port: 4200, transport: "tcp" },
      { port: 4201, transport: "tcp" },
      { port: 4202, transport: "tcp" },
      { port: 5060, transport: "tcp" },
      { port: 5060, transport: "udp" },
    ]);
    for (const bad of ["0", "70000", "20-10", "22/sctp", "x", "1-65535"])
      expect(() => parsePorts(bad), bad).toThrow(TargetError);
  });

  it("has a port set per device class", () => {
    const pbx = defaultPorts("pbx").map((p) => `${p.port}/${p.transport}`);
    expect(pbx).toEqual(expect.arrayContaining(["5060/udp", "5060/tcp", "4569/udp", "5038/tcp"]));
    expect(defaultPorts("router").map((p) => `${p.port}/${p.transport}`)).toContain("161/udp");
    expect(defaultPorts("intercom").map((p) => p.port)).toContain(554);
    const all = defaultPorts();
    for (const cls of Object.keys(CLASS_PORTS) as (keyof typeof CLASS_PORTS)[])
      for (const p of defaultPorts(cls)) expect(all).toContainEqual(p);
  });
});

describe("scan limiter", () => {
  it("bounds concurrency and reports progress", async () => {
    const progress: number[] = [];
    const lim = new Limiter({
      concurrency: 3,
      ratePerSecond: 10_000,
      onProgress: (d) => progress.push(d),
    });
    let inFlight = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lim.run(async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(lim.peak).toBeLessThanOrEqual(3);
    expect(progress).toHaveLength(20);
    expect(progress.at(-1)).toBe(20);
  });

  it("bounds the rate of new starts", async () => {
    const lim = new Limiter({ concurrency: 50, ratePerSecond: 100 });
    const starts: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 11 }, () => lim.run(async () => starts.push(Date.now()))),
    );
    // 11 starts at 100/s: the last no sooner than ~100 ms after the first.
    expect(Math.max(...starts) - t0).toBeGreaterThanOrEqual(90);
  });

  it("passes a task's error on and frees its slot", async () => {
    const lim = new Limiter({ concurrency: 1, ratePerSecond: 10_000 });
    await expect(lim.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lim.run(async () => 7)).resolves.toBe(7);
  });

  it("draws a progress bar", () => {
    expect(progressBar(5, 10, 10)).toBe("[#####-----] 5/10");
    expect(progressBar(0, 0, 4)).toBe("[####] 0/0");
  });
});
