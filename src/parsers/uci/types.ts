export interface UciOption {
  name: string;
  kind: "option" | "list";
  /** One value for an option; one or more for a list. */
  values: string[];
  /** The line of each value, in order. */
  lines: number[];
}

export interface UciSection {
  type: string;
  /** Absent for anonymous sections. */
  name: string | undefined;
  /** How `uci` addresses it: the name, or `@type[n]` for an anonymous section. */
  ref: string;
  /** Position among the sections of the same type, from 0. */
  typeIndex: number;
  line: number;
  options: Map<string, UciOption>;
}

export interface UciPackage {
  name: string;
  file: string;
  sections: UciSection[];
}

export interface UciDiagnostic {
  severity: "error" | "warning";
  file: string;
  line: number;
  column: number;
  message: string;
}
