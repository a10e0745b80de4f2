import { describe, expect, it } from "vitest";
import { MemoryTree, MountTree } from "../src/sources/tree.js";

describe("MountTree", () => {
  it("routes each path to the longest mount point that holds it", () => {
    const root = new MemoryTree("root");
    root.add("etc/ssh/sshd_config", "Port 22\n");
    root.add("etc/asterisk/old.conf", "shadowed\n");
    const ast = new MemoryTree("ast");
    ast.add("pjsip.conf", "[transport-udp]\n");
    ast.add("pjsip.d/01.conf", "[x]\n");
    const t = new MountTree("pbx", [
      { at: "", tree: root },
      { at: "etc/asterisk", tree: ast },
    ]);
    expect(t.read("etc/ssh/sshd_config")).toBe("Port 22\n");
    expect(t.read("etc/asterisk/pjsip.conf")).toBe("[transport-udp]\n");
    expect(t.read("etc/asterisk/old.conf")).toBeUndefined();
    expect(t.list("etc/asterisk")).toEqual(["pjsip.conf"]);
    expect(t.list("etc/asterisk/pjsip.d")).toEqual(["01.conf"]);
    expect(t.display("etc/asterisk/pjsip.conf")).toBe("ast!pjsip.conf");
  });
});
