import type { Origin } from "../facts/value.js";

/** One line of evidence, the way a person reads it: `file:line  excerpt`, or the probe and time. */
export function formatOrigin(o: Origin): string {
  switch (o.kind) {
    case "config":
      return `${o.file}${o.line ? `:${o.line}` : ""}${o.excerpt ? `  ${o.excerpt}` : ""}`;
    case "probe":
      return `${o.probe} ${o.address}${o.port ? `:${o.port}` : ""}${o.transport ? `/${o.transport}` : ""} at ${o.time}${o.excerpt ? `  ${o.excerpt}` : ""}`;
    case "log":
      return `${o.file}${o.line ? `:${o.line}` : ""}${o.time ? ` (${o.time})` : ""}${o.excerpt ? `  ${o.excerpt}` : ""}`;
    case "attestation":
      return `attested by ${o.by} on ${o.at}${o.comment ? `: ${o.comment}` : ""}`;
  }
}
