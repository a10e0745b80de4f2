/** TODO(area owner): fill in. Reads its files and sets the matching Facts field. */
import type { Facts } from "../../facts/model.js";
import type { ExtractContext } from "../context.js";

export function extractFail2ban(_ctx: ExtractContext, _facts: Facts): void {}
