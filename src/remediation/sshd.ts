/**
 * Fixes in sshd_config's own language. sshd keeps the FIRST value it reads for a keyword, so a
 * setting is either changed on the line that decides it today, or added near the top of
 * sshd_config, before any Include and Match line; conditional `Match` blocks that turn the setting
 * back on are named too. Then the configuration is tested and sshd reloaded.
 */
import type { FileRef } from "../facts/model.js";
import type { ConfigOrigin, Origin } from "../facts/value.js";
import type { Fix } from "../rules/types.js";

/** Tests the configuration, then reloads (the unit is `ssh` on Debian/Ubuntu, `sshd` on RHEL). */
export const SSHD_RELOAD = "sshd -t && systemctl reload ssh";

/** The device path of a file shown as `backup.tar.gz!etc/ssh/sshd_config` or a local path. */
export function devicePath(file: string): string {
  const inner = file.includes("!") ? file.slice(file.indexOf("!") + 1) : file;
  const etc = inner.lastIndexOf("etc/ssh/");
  if (etc >= 0) return `/${inner.slice(etc)}`;
  return inner.startsWith("/") ? inner : `/${inner}`;
}

function keywordOf(excerpt: string): string | undefined {
  const m = /^(?:Match all \(line \d+\): )?([A-Za-z]+)\s/.exec(excerpt);
  return m?.[1]?.toLowerCase();
}

/**
 * The lines of a fix: for each keyword, where it is decided now (from the fact's evidence) and the
 * line to write; conditional Match blocks that set it otherwise; then the reload.
 */
export function sshdLines(
  ref: FileRef,
  settings: [string, string][],
  evidence: readonly Origin[],
): string[] {
  const main = devicePath(ref.file);
  const config = evidence.filter((o): o is ConfigOrigin => o.kind === "config");
  const lines: string[] = [];
  const toAdd: string[] = [];
  for (const [keyword, value] of settings) {
    const k = keyword.toLowerCase();
    const wanted = `${keyword} ${value}`;
    const deciding = config.find(
      (o) =>
        !o.implied &&
        o.line !== undefined &&
        o.excerpt !== undefined &&
        !o.excerpt.startsWith("Match ") &&
        keywordOf(o.excerpt) === k,
    );
    if (deciding) {
      const current = deciding.excerpt?.replace(/^Match all \(line \d+\): /, "");
      if (current?.toLowerCase() === wanted.toLowerCase()) continue;
      lines.push(
        `# ${devicePath(deciding.file)}, line ${deciding.line}: replace '${current}' with`,
      );
      lines.push(wanted);
    } else {
      toAdd.push(wanted);
    }
  }
  if (toAdd.length) {
    lines.push(
      `# ${main}: add near the top, before any Include and Match line (sshd keeps the first value it reads)`,
    );
    lines.push(...toAdd);
  }
  const wantedKeys = new Set(settings.map(([k]) => k.toLowerCase()));
  for (const o of config) {
    if (!o.excerpt?.startsWith("Match ")) continue;
    const m = /^(Match .*?) \(line (\d+)\): ([A-Za-z]+) (.*?) \(only/.exec(o.excerpt);
    if (!m || !wantedKeys.has((m[3] as string).toLowerCase())) continue;
    const want = settings.find(([k]) => k.toLowerCase() === (m[3] as string).toLowerCase());
    if (want && (m[4] as string).toLowerCase() === want[1].toLowerCase()) continue;
    lines.push(
      `# ${devicePath(o.file)}, line ${o.line}: '${m[3]} ${m[4]}' in '${m[1]}' (line ${m[2]}) overrides it for matching connections: change it too`,
    );
  }
  lines.push(`# then: ${SSHD_RELOAD}   (the unit is 'sshd' on RHEL-family systems)`);
  return lines;
}

export function sshdFix(
  summary: string,
  ref: FileRef,
  settings: [string, string][],
  evidence: readonly Origin[] = [],
): Fix {
  return { summary, commands: { language: "sshd", lines: sshdLines(ref, settings, evidence) } };
}
