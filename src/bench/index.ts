/** `npm run bench`: every benchmark, one after the other, in one process. */
import { benchBackups } from "./audit-backups.js";
import { benchPbx } from "./audit-pbx.js";

process.stdout.write(`${(await benchBackups()).join("\n")}\n\n`);
process.stdout.write(`${benchPbx().join("\n")}\n`);
