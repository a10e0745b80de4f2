import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDefaultCredentials } from "../src/secrets/defaults.js";
import {
  clearDefaultHashCache,
  defaultCredentials,
  defaultPasswords,
  hashScheme,
  isDefaultHash,
  isDefaultPassword,
  md5Crypt,
  shadowPasswordState,
  verifyCrypt,
} from "../src/secrets/index.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

/** The password field of `user` in a shadow file. */
function shadowField(path: string, user: string): string {
  const line = readFileSync(path, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  if (line === undefined) throw new Error(`no ${user} in ${path}`);
  return line.split(":")[1] ?? "";
}

describe("default credentials data", () => {
  it("has well-formed entries, each with a source", () => {
    const creds = defaultCredentials();
    expect(creds.length).toBeGreaterThan(20);
    for (const c of creds) {
      expect(c.vendor).not.toBe("");
      expect(c.product).not.toBe("");
      expect(c.source.length).toBeGreaterThan(10);
      expect(c.username === null || typeof c.username === "string").toBe(true);
    }
  });

  it("covers the factory defaults of the devices Bulwark audits", () => {
    const has = (vendor: string, username: string | null, password: string) =>
      defaultCredentials().some(
        (c) => c.vendor.includes(vendor) && c.username === username && c.password === password,
      );
    expect(has("OpenWrt", "root", "")).toBe(true);
    expect(has("Teltonika", "root", "admin01")).toBe(true);
    expect(has("Teltonika", "admin", "admin01")).toBe(true);
    expect(has("BAS-IP", "admin", "123456")).toBe(true);
    expect(has("FreePBX", "admin", "amp111")).toBe(true);
    expect(has("Yealink", "admin", "admin")).toBe(true);
    expect(has("Polycom", "Polycom", "456")).toBe(true);
    expect(has("Grandstream", "admin", "admin")).toBe(true);
    expect(has("Cisco", "cisco", "cisco")).toBe(true);
    expect(has("MikroTik", "admin", "")).toBe(true);
    for (const p of ["admin", "password", "root", "1234", "12345678"]) {
      expect(defaultPasswords()).toContain(p);
    }
  });

  it("rejects a malformed data file without quoting its passwords", () => {
    const bad = { vendor: "v", product: "p", username: 5, password: "Sup3r-S3cret", source: "s" };
    expect(() => parseDefaultCredentials({ credentials: [bad] })).toThrow(/entry 0: 'username'/);
    try {
      parseDefaultCredentials({ credentials: [{ ...bad, username: null, vendor: 1 }] });
    } catch (err) {
      expect(String(err)).not.toContain("Sup3r-S3cret");
    }
    expect(() => parseDefaultCredentials({})).toThrow(/credentials/);
  });

  it("lists each password once; membership is exact and case-sensitive", () => {
    const list = defaultPasswords();
    expect(new Set(list).size).toBe(list.length);
    expect(isDefaultPassword("admin01")).toBe(true);
    expect(isDefaultPassword("")).toBe(true);
    expect(isDefaultPassword("Admin01")).toBe(false);
    expect(isDefaultPassword("admin01 ")).toBe(false);
  });
});

describe("isDefaultHash", () => {
  it("recognises md5-crypt hashes of default passwords, with any salt", () => {
    expect(isDefaultHash(md5Crypt("amp111", "zz9Qx1"))).toMatchObject({
      vendor: "FreePBX",
      username: "admin",
    });
    expect(isDefaultHash(md5Crypt("", "abc"))?.vendor).toBe("OpenWrt");
    expect(isDefaultHash(md5Crypt("not-a-default-8472", "abc"))).toBeUndefined();
  });

  it("prefers the entry of the given vendor / username when a password is shared", () => {
    const hash = md5Crypt("admin", "sh4red");
    expect(isDefaultHash(hash, { vendor: "yealink" })).toMatchObject({ vendor: "Yealink" });
    expect(isDefaultHash(hash, { username: "root" })).toMatchObject({ username: "root" });
    expect(isDefaultHash(hash)?.vendor).toBeDefined();
  });

  it("recognises sha512-crypt too (openssl passwd -6 -salt saltsalt admin01)", () => {
    const hash =
      "$6$saltsalt$ZakEZvxWJ3VVsBmt3rPS40IA7tbaRiSJbKIt9AqF0w5nxaMGSs21WEuK9pogbAJGP1C1WDgu9wGElyaBrPosK.";
    expect(isDefaultHash(hash, { vendor: "Teltonika", username: "root" })).toMatchObject({
      vendor: "Teltonika",
      username: "root",
    });
  });

  it("maxTries bounds the work of a miss, and a cut-short miss is not cached", () => {
    clearDefaultHashCache();
    const hash = md5Crypt("123456", "m4xtr1es"); // BAS-IP's default, far down the list
    expect(isDefaultHash(hash, { maxTries: 2 })).toBeUndefined();
    expect(isDefaultHash(hash, { vendor: "BAS-IP", maxTries: 1 })).toMatchObject({
      vendor: "BAS-IP",
    });
    expect(isDefaultHash(hash)).toMatchObject({ vendor: "BAS-IP" });
  });

  it("gives undefined, without throwing, for what it cannot verify", () => {
    for (const h of ["", "!", "*", "x", "$2b$10$abc", "abJnggxhB/yWI", "garbage", "!$1$a$b"]) {
      expect(isDefaultHash(h)).toBeUndefined();
    }
    expect(isDefaultHash(42 as unknown as string)).toBeUndefined();
  });

  it("caches verdicts by hash: the second look-up is (nearly) free (measured)", () => {
    clearDefaultHashCache();
    const miss = md5Crypt("a-unique-non-default", "c4che");
    const t0 = performance.now();
    expect(isDefaultHash(miss)).toBeUndefined();
    const t1 = performance.now();
    const n = 1000;
    for (let i = 0; i < n; i++) expect(isDefaultHash(miss)).toBeUndefined();
    const cached = (performance.now() - t1) / n;
    console.log(
      `[secrets] isDefaultHash md5-crypt miss: ${(t1 - t0).toFixed(1)} ms first (${defaultPasswords().length} passwords tried), ${(cached * 1000).toFixed(1)} µs cached`,
    );
    expect(cached).toBeLessThan((t1 - t0) / 10);
  });
});

describeCorpus("factory shadow files", () => {
  it("the legacy Teltonika RUT9XX root hash is the md5-crypt of admin01", () => {
    const field = shadowField(
      corpusPath("rutos-defaults", "rut9xx_legacy_2020", "etc", "shadow"),
      "root",
    );
    expect(shadowPasswordState(field)).toBe("set");
    expect(hashScheme(field)).toBe("md5-crypt");
    // Found by trying the list: admin01, the documented Teltonika default.
    expect(verifyCrypt("admin01", field)).toBe(true);
    expect(isDefaultHash(field, { username: "root" })).toEqual({
      vendor: "Teltonika",
      product: "RUT9XX / RUT2XX, legacy firmware (pre-RutOS 7), system account",
      username: "root",
    });
    // The verdict names the default's owner, never the password.
    expect(JSON.stringify(isDefaultHash(field))).not.toContain("admin01");
  });

  it("RutOS 7.20 ships root and admin locked, so there is no hash to check", () => {
    const shadow = corpusPath("rutos-defaults", "rutx_00.07.20", "etc", "shadow");
    for (const user of ["root", "admin"]) {
      const field = shadowField(shadow, user);
      expect(shadowPasswordState(field)).toBe("locked");
      expect(isDefaultHash(field)).toBeUndefined();
    }
  });
});
