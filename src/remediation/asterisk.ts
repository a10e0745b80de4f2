/**
 * Fixes in Asterisk's own configuration language: which file and [section] to edit, the option
 * lines to set or remove, and the CLI command that makes Asterisk read them again.
 */
import type { AsteriskRef } from "../facts/model.js";
import type { Fix } from "../rules/types.js";

export interface AsteriskEdit {
  ref: AsteriskRef;
  /** Options to set: `key = value` lines in that section. */
  set?: [string, string][];
  /** Options to delete from that section. */
  remove?: string[];
}

/** Reload command per file, as typed at `asterisk -rx`. */
const RELOAD: Record<string, string> = {
  "pjsip.conf": "pjsip reload",
  "sip.conf": "sip reload",
  "iax.conf": "iax2 reload",
  "manager.conf": "manager reload",
  "http.conf": "module reload http",
  "ari.conf": "module reload res_ari.so",
  "extensions.conf": "dialplan reload",
  "logger.conf": "logger reload",
  "acl.conf": "acl reload",
};

function baseName(file: string): string {
  const path = file.includes("!") ? file.slice(file.indexOf("!") + 1) : file;
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The lines of a fix: per section, a comment naming file and section, then its option lines. */
export function asteriskLines(edits: AsteriskEdit[]): string[] {
  const lines: string[] = [];
  const reloads = new Set<string>();
  for (const e of edits) {
    lines.push(`; ${e.ref.file}, section [${e.ref.section}]`);
    for (const [k, v] of e.set ?? []) lines.push(`${k} = ${v}`);
    for (const k of e.remove ?? []) lines.push(`; remove the line: ${k} = …`);
    // Included files (pjsip.d/*.conf) reload with their top-level file's module.
    const name = baseName(e.ref.file);
    const top = Object.keys(RELOAD).find(
      (f) => name === f || e.ref.file.includes(`/${f.replace(".conf", ".d")}/`),
    );
    const reload = top ? RELOAD[top] : undefined;
    if (reload) reloads.add(reload);
  }
  for (const r of reloads) lines.push(`; then: asterisk -rx '${r}'`);
  return lines;
}

export function asteriskFix(summary: string, edits: AsteriskEdit[]): Fix {
  return {
    summary,
    commands: edits.length ? { language: "asterisk", lines: asteriskLines(edits) } : undefined,
  };
}
