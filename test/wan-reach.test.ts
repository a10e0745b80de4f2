/** Which router services the internet reaches, from zone policy, rules and port forwards. */
import { describe, expect, it } from "vitest";
import { extractRouterFacts } from "../src/extract/router/index.js";
import { MemoryTree } from "../src/sources/tree.js";

function router(firewall: string): MemoryTree {
  const t = new MemoryTree("case.tar.gz");
  t.add("etc/config/system", "config system\n\toption hostname 'r'\n");
  t.add(
    "etc/config/network",
    "config interface 'lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n\toption netmask '255.255.255.0'\n\nconfig interface 'wan'\n\toption proto 'dhcp'\n",
  );
  t.add("etc/config/dropbear", "config dropbear\n\toption Port '22'\n");
  t.add(
    "etc/config/firewall",
    `config zone\n\toption name 'lan'\n\toption network 'lan'\n\toption input 'ACCEPT'\n\nconfig zone\n\toption name 'wan'\n\toption network 'wan'\n\toption input 'REJECT'\n\n${firewall}`,
  );
  return t;
}

const ssh = (t: MemoryTree) => extractRouterFacts(t).services.find((s) => s.kind === "ssh")?.wan;

describe("WAN reachability", () => {
  it("closed by the zone policy", () => {
    expect(ssh(router(""))).toMatchObject({ known: true, value: { reachable: false } });
  });

  it("opened by a rule, limited by its src_ip", () => {
    const w = ssh(
      router(
        "config rule\n\toption src 'wan'\n\toption dest_port '22'\n\toption proto 'tcp'\n\toption target 'ACCEPT'\n\toption src_ip '203.0.113.7'\n",
      ),
    );
    expect(w).toMatchObject({ known: true, value: { reachable: true, sources: ["203.0.113.7"] } });
  });

  it("opened by a port forward to the router's own address, on the external port", () => {
    const w = ssh(
      router(
        "config redirect\n\toption name 'ssh-in'\n\toption src 'wan'\n\toption src_dport '40022'\n\toption dest_ip '192.168.1.1'\n\toption dest_port '22'\n\toption proto 'tcp'\n\toption target 'DNAT'\n",
      ),
    );
    expect(w).toMatchObject({
      known: true,
      value: {
        reachable: true,
        sources: [],
        ports: [{ from: 40022, to: 40022, transport: "tcp" }],
      },
    });
    expect(w?.known && w.value.via[0]).toMatch(
      /port forward 'ssh-in' maps 40022\/tcp from wan to 192.168.1.1:22\/tcp/,
    );
  });

  it("a forward without dest_ip targets the router itself", () => {
    const w = ssh(
      router(
        "config redirect\n\toption src 'wan'\n\toption src_dport '22'\n\toption proto 'tcp'\n",
      ),
    );
    expect(w).toMatchObject({ known: true, value: { reachable: true } });
  });

  it("a forward to a LAN host does not expose the router's SSH", () => {
    const w = ssh(
      router(
        "config redirect\n\toption src 'wan'\n\toption src_dport '2222'\n\toption dest_ip '192.168.1.50'\n\toption dest_port '22'\n\toption proto 'tcp'\n",
      ),
    );
    expect(w).toMatchObject({ known: true, value: { reachable: false } });
  });
});
