// The CLI's entry: runs it and sets the exit code. The build bundles it (with the cell worker, the runner
// and the inflating worker) into dist/src/bundle/ (scripts/bundle.mjs), which ./bin.ts loads.
import { main, reportError } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);
