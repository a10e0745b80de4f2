/** What a folder is on the device, decided by what its entries are (not only their names). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openInput } from "../src/sources/open-input.js";

function folder(files: Record<string, string | null>): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-input-"));
  for (const [path, content] of Object.entries(files)) {
    const p = join(dir, path);
    if (content === null) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(join(p, ".."), { recursive: true });
      writeFileSync(p, content);
    }
  }
  return dir;
}

describe("openInput on folders", () => {
  it("a Debian /etc (with a network/ folder) is an /etc, not a UCI folder", async () => {
    const t = await openInput(
      folder({
        network: null,
        passwd: "root:x:0:0::/root:/bin/bash\n",
        "ssh/sshd_config": "Port 22\n",
      }),
    );
    expect(t.read("etc/ssh/sshd_config")).toBe("Port 22\n");
    expect(t.list("etc/config")).toEqual([]);
  });

  it("an OpenWrt /etc/config of UCI files", async () => {
    const t = await openInput(
      folder({ network: "config interface 'lan'\n", dropbear: "config dropbear\n" }),
    );
    expect(t.list("etc/config")).toEqual(["dropbear", "network"]);
  });

  it("an /etc/config holding a UCI file named fail2ban is still an /etc/config", async () => {
    const t = await openInput(
      folder({ fail2ban: "config fail2ban 'fail2ban'\n", system: "config system\n" }),
    );
    expect(t.list("etc/config")).toEqual(["fail2ban", "system"]);
  });

  it("a bare /etc/asterisk", async () => {
    const t = await openInput(
      folder({ "pjsip.conf": "[transport-udp]\n", "extensions.conf": "[default]\n" }),
    );
    expect(t.read("etc/asterisk/pjsip.conf")).toBe("[transport-udp]\n");
  });

  it("a root with etc/", async () => {
    const t = await openInput(
      folder({ "etc/shadow": "root:*:1::::::\n", "ss-tulpn.txt": "Netid\n" }),
    );
    expect(t.read("etc/shadow")).toBe("root:*:1::::::\n");
    expect(t.read("ss-tulpn.txt")).toBe("Netid\n");
  });
});
