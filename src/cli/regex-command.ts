/**
 * `bulwark regex LOG FILTER`: the equivalent of fail2ban-regex. TODO(watch owner): implement.
 */
export interface RegexCommandOptions {
  mode?: string;
  logtype?: string;
  set: string[];
  format: string;
  timezone?: string;
}

export async function runRegexCommand(
  _log: string,
  _filter: string,
  _opts: RegexCommandOptions,
): Promise<number> {
  process.stderr.write("bulwark regex: not implemented yet\n");
  return 2;
}
