/** TODO(area owner): fill in. Reads its UCI packages and sets the matching Facts field. */
import type { Facts } from "../../facts/model.js";
import type { RouterContext } from "./context.js";

export function extractPackages(_ctx: RouterContext, _facts: Facts): void {}
