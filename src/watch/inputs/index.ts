/** `bulwark watch` inputs: log files, the systemd journal, and a syslog receiver. */
export * from "./common.js";
export * from "./file.js";
export * from "./journal.js";
export * from "./syslog.js";
export * from "./syslog-parse.js";
export * from "./time.js";
