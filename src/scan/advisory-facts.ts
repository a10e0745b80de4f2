/**
 * After the probes have filled each Service's `software`: its `advisories`, from
 * data/advisories.json. Known (possibly empty) when the data covers the product and the version
 * was announced; unknown with the reason otherwise. Services with no software identified are left
 * without `advisories`: there is nothing to look up.
 */
import { distributionIn, matchAdvisories } from "../advisories/match.js";
import type { Service } from "../facts/model.js";
import { known, unknown } from "../facts/value.js";

/**
 * The distribution one of the host's banners names (an SSH banner's "Debian-2+deb12u3"): a
 * service of the same host that announces only its upstream version (nginx/1.22.1) is most
 * likely that distribution's package too, with its backported fixes.
 */
export function hostDistribution(services: readonly Service[]): string | undefined {
  for (const s of services) {
    if (!s.software?.known) continue;
    const d = distributionIn(s.software.value.raw);
    if (d) return d;
  }
  return undefined;
}

export function applyAdvisories(services: Service[]): void {
  const host = hostDistribution(services);
  for (const s of services) {
    const sw = s.software;
    if (!sw?.known) continue;
    const r = matchAdvisories(sw.value, host);
    s.advisories =
      r.status === "matched" ? known(r.matches, ...sw.at) : unknown(r.reason, ...sw.at);
  }
}
