/**
 * fail2ban's `<tag>` substitution (helpers.substituteRecursiveTags): within a set of options,
 * `<name>` is replaced by the option `name`, repeatedly, so that `<mdre-<mode>>` first becomes
 * `<mdre-normal>` and then its value. Unknown tags (`<HOST>`, `<F-USER>`) stay as they are.
 */
import type { LocStr } from "./locstr.js";

/** helpers.MAX_TAG_REPLACE_COUNT */
const MAX_TAG_REPLACE_COUNT = 25;
const TAG_RE = /<([^ <>]+)>/g;
/** Not in fail2ban: a guard against values that double at each substitution. */
const MAX_VALUE_LENGTH = 1_000_000;

function search(text: string, from: number): { name: string; start: number; end: number } | null {
  TAG_RE.lastIndex = from;
  const m = TAG_RE.exec(text);
  return m ? { name: m[1] ?? "", start: m.index, end: m.index + m[0].length } : null;
}

export interface TagError {
  tag: string;
  found: string;
  value: LocStr;
}

/**
 * Substitute tags in every value of `tags` (a copy is returned). `lookup` is consulted for a tag
 * that is not one of `tags` (fail2ban's `addrepl`). A value that refers to itself, or a tag
 * replaced more than 25 times in one value, is reported through `onError` and substitution stops
 * there (fail2ban rejects the whole definition).
 */
export function substituteRecursiveTags(
  input: ReadonlyMap<string, LocStr>,
  ignore: ReadonlySet<string>,
  lookup: (tag: string) => LocStr | undefined,
  onError: (error: TagError) => void,
): Map<string, LocStr> {
  const tags = new Map(input);
  const done = new Set<string>();
  const repCounts = new Map<string, Map<string, number>>();
  for (;;) {
    let again = false;
    for (const tag of [...tags.keys()]) {
      if (ignore.has(tag) || done.has(tag)) continue;
      const orig = tags.get(tag);
      if (!orig) continue;
      let value = orig;
      const counts = repCounts.get(tag) ?? new Map<string, number>();
      let m = search(value.text, 0);
      while (m) {
        const rtag = m.name;
        if (ignore.has(rtag)) {
          m = search(value.text, m.end);
          continue;
        }
        if (rtag === tag || (counts.get(rtag) ?? 1) > MAX_TAG_REPLACE_COUNT) {
          onError({ tag, found: rtag, value });
          return tags;
        }
        const repl = tags.get(rtag) ?? lookup(rtag);
        if (repl === undefined) {
          m = search(value.text, m.end);
          continue;
        }
        value = value.replaceAll(`<${rtag}>`, repl);
        if (value.length > MAX_VALUE_LENGTH) {
          onError({ tag, found: rtag, value });
          return tags;
        }
        counts.set(rtag, (counts.get(rtag) ?? 0) + 1);
        m = search(value.text, m.start);
      }
      if (value.text !== orig.text) {
        if (search(value.text, 0)) {
          repCounts.set(tag, counts);
          again = true;
        }
        tags.set(tag, value);
      }
      if (!value.text.includes("<")) done.add(tag);
    }
    if (!again) break;
  }
  return tags;
}
