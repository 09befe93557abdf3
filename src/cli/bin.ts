#!/usr/bin/env node
// The installed `causeway` executable: runs the CLI and sets the exit code.
import { main, reportError } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);
