/**
 * Exit status of every command: 0 no failure at or above --fail-on; 1 there is one; 2 a usage
 * error or an input that could not be read (the other targets are still audited).
 */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;
