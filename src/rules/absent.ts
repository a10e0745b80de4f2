import type { Facts } from "../facts/model.js";
import { notApplicable, undecided } from "./outcome.js";
import type { Finding } from "./types.js";

/**
 * The finding when the configuration of a package is not in the input: in a complete backup the
 * package is not installed (nothing to check); in a partial input we cannot tell.
 */
export function absentPackage(facts: Facts, what: string, file: string): Finding {
  if (facts.coverage.known && facts.coverage.value.complete) {
    return notApplicable(
      `${what} is not installed (no ${file} in a complete configuration)`,
      facts.coverage.at,
    );
  }
  return undecided(`${what} cannot be checked: no ${file} in the input`, facts.coverage.at);
}
