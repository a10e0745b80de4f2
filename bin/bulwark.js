#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// A reader that stops early (`bulwark ... | head`) closes the pipe: that ends the output, quietly,
// as it does for any Unix tool, rather than as an unhandled EPIPE.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`bulwark: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 2;
  },
);
