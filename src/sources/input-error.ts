/** Bad input that stops one target (not the whole run): reported with its file, exit status 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "InputError";
  }

  /** `file:line: message`, the way compilers print it. */
  get located(): string {
    return `${this.file}${this.line ? `:${this.line}` : ""}: ${this.message}`;
  }
}
