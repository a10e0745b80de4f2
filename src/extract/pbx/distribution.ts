/** Which Asterisk distribution this is, from files only that distribution installs. */
import type { Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import type { AsteriskContext } from "./context.js";

const MARKERS: [string, string][] = [
  ["etc/xivo/asterisk/xivo_globals.conf", "Wazo"],
  ["etc/asterisk/pjsip.d/01-wazo.conf", "Wazo"],
  ["etc/asterisk/freepbx_module_admin.conf", "FreePBX"],
  ["etc/freepbx.conf", "FreePBX"],
  ["etc/asterisk/vitalpbx", "VitalPBX"],
  ["etc/issabel.conf", "Issabel"],
  ["etc/asterisk/asterisk.conf", "Asterisk"],
];

export function extractDistribution(ctx: AsteriskContext, facts: Facts): void {
  for (const [path, name] of MARKERS) {
    if (ctx.tree.read(path) !== undefined || ctx.tree.list(path).length > 0) {
      facts.pbx.distribution = known(name, {
        kind: "config",
        file: ctx.tree.display(path),
        excerpt: `${name} installs this file`,
      });
      return;
    }
  }
}
