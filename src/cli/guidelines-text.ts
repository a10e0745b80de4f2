import type { ItemCoverage } from "../catalogue/coverage.js";
import { colorsFor } from "../report/colors.js";

export function guidelinesText(cov: ItemCoverage[], pc = colorsFor(process.stdout)): string {
  const out: string[] = [];
  let guide = "";
  for (const c of cov) {
    if (c.guide !== guide) {
      guide = c.guide;
      out.push("", pc.bold(guide));
    }
    const status = c.covered ? pc.green("covered    ") : pc.red("NOT COVERED");
    out.push(`  ${c.id.padEnd(7)} ${status} ${c.text}`);
    for (const ch of c.checks) out.push(pc.dim(`            ${ch.mode.padEnd(7)} ${ch.rule}`));
    if (c.missingModes.length && c.covered)
      out.push(pc.dim(`            not yet: ${c.missingModes.join(", ")}`));
    if (c.conflict) out.push(pc.yellow(`            conflict: ${c.conflict}`));
  }
  const n = cov.filter((c) => c.covered).length;
  out.push(
    "",
    `${n} of ${cov.length} guideline items covered by at least one check; ${cov.length - n} not covered yet.`,
    "",
  );
  return out.join("\n");
}
