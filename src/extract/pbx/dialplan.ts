/** TODO(area owner): fill in. Reads its Asterisk files and sets the matching facts.pbx field. */
import type { Facts } from "../../facts/model.js";
import type { AsteriskContext } from "./context.js";

export function extractDialplan(_ctx: AsteriskContext, _facts: Facts): void {}
