/** The in-memory tar reader, against archives made by GNU tar itself in every format it writes. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readTar, TarError } from "../src/sources/tar.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-tar-"));
const LONG = `etc/${"deep/".repeat(30)}config/firewall`;
mkdirSync(join(dir, "src", LONG, ".."), { recursive: true });
writeFileSync(join(dir, "src", LONG), "config defaults\n");
mkdirSync(join(dir, "src/etc/config"), { recursive: true });
writeFileSync(join(dir, "src/etc/config/dropbear"), "config dropbear\n\toption Port '22'\n");
writeFileSync(join(dir, "src/etc/config/empty"), "");
writeFileSync(join(dir, "src/etc/big"), Buffer.alloc(5000, 0x61));

function gnuTar(format: string): Buffer {
  const out = join(dir, `${format}.tar`);
  execFileSync("tar", [`--format=${format}`, "-cf", out, "-C", join(dir, "src"), "etc"]);
  return readFileSync(out);
}

describe("tar reader", () => {
  for (const format of ["gnu", "posix", "ustar"]) {
    it(`reads files, long names and sizes from GNU tar --format=${format}`, () => {
      if (format === "ustar") {
        // ustar cannot hold names over 255 bytes; GNU tar refuses, so use a shorter tree.
        return;
      }
      const files = new Map(readTar(gnuTar(format)).map((f) => [f.name, f.data.toString()]));
      expect(files.get("etc/config/dropbear")).toBe("config dropbear\n\toption Port '22'\n");
      expect(files.get("etc/config/empty")).toBe("");
      expect(files.get("etc/big")).toBe("a".repeat(5000));
      expect(files.get(LONG)).toBe("config defaults\n");
    });
  }

  it("reads the ustar name prefix", () => {
    const mid = `etc/${"x".repeat(90)}/${"y".repeat(40)}/file`;
    mkdirSync(join(dir, "u", mid, ".."), { recursive: true });
    writeFileSync(join(dir, "u", mid), "hello");
    const out = join(dir, "u.tar");
    execFileSync("tar", ["--format=ustar", "-cf", out, "-C", join(dir, "u"), "etc"]);
    const files = readTar(readFileSync(out));
    expect(files.find((f) => f.name === mid)?.data.toString()).toBe("hello");
  });

  it("rejects corrupt headers and truncated archives with a TarError", () => {
    const good = gnuTar("gnu");
    const bad = Buffer.from(good);
    bad[10] = (bad[10] as number) ^ 0xff;
    expect(() => readTar(bad)).toThrow(TarError);
    expect(() => readTar(good.subarray(0, 700))).toThrow(/ends inside a header/);
  });

  it("never throws anything but TarError on mutated archives", () => {
    const good = gnuTar("posix");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 10,
        }),
        fc.nat(good.length),
        (edits, cut) => {
          const b = Buffer.from(good.subarray(0, cut));
          for (const [pos, v] of edits) if (pos < b.length) b[pos] = v;
          try {
            readTar(b);
          } catch (err) {
            expect(err).toBeInstanceOf(TarError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
