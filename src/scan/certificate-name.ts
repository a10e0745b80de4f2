/**
 * A certificate's subject or issuer as node:tls gives it (`{ CN: "x", O: ["a", "b"] }`), in one
 * line: "CN=x, O=a+b". Empty when the peer sent no certificate.
 */
export function certificateName(name: unknown): string {
  if (!name || typeof name !== "object") return "";
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : String(v)}`)
    .join(", ");
}
