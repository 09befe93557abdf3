#!/usr/bin/env node
// The installed `causeway` executable. It loads the bundled CLI (./entry.ts and everything it imports in a
// few files, made by scripts/bundle.mjs at build time): Node 20 resolves, reads and compiles each of the
// ~150 modules of the unbundled tree one by one, which took about a third of `causeway validate`'s time
// and of every cell worker's start (README, Performance).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = new URL('../bundle/causeway.js', import.meta.url);
const versionModule = new URL('../spec/version.js', import.meta.url);
const [first, ...rest] = process.argv.slice(2);
if (rest.length === 0 && (first === '--version' || first === '-V' || first === 'version') && existsSync(fileURLToPath(versionModule))) {
  // the version without the bundle: one small module instead of the CLI's (about 20 ms of a 150 ms start)
  const { CAUSEWAY_VERSION } = (await import(versionModule.href)) as typeof import('../spec/version.js');
  process.stdout.write(`${CAUSEWAY_VERSION}\n`);
} else if (existsSync(fileURLToPath(bundled))) {
  await import(bundled.href);
} else {
  process.stderr.write(`causeway: ${fileURLToPath(bundled)} is missing; run \`npm run build\` in the causeway folder.\n`);
  process.exitCode = 1;
}
