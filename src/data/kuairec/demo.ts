/**
 * The embedded demo archive: generated deterministically by the simulator on first use into
 * `<cache>/demo/` (cache = $CAUSEWAY_CACHE or `.cache/causeway/` under the project), atomically
 * (a temporary folder renamed into place), and reused after. A stamp file pins the generator
 * version and options, so a changed simulator regenerates instead of reusing a stale archive.
 * Sized so that the demo spec (sample modulus 2) yields ≈ 8 K population user-days, as in docs/seeds.md §000.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize, SIM_VERSION, type SynthOptions } from './simulate/index.js';

const DEMO_OPTIONS: Omit<SynthOptions, 'out'> = {
  users: 300, days: 63, videos: 1000, seed: 20200705, eventsPerDay: 30, matrix: 'small', compressionLevel: 1,
};

/** `$CAUSEWAY_CACHE`, else `.cache/causeway` under the project root. */
export function defaultCacheDir(): string {
  if (process.env.CAUSEWAY_CACHE) return process.env.CAUSEWAY_CACHE;
  // the project root is the nearest folder above this file holding package.json (dist/src/data/kuairec/,
  // src/data/kuairec/ or the CLI's bundle, dist/src/bundle/)
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, '.cache', 'causeway');
    dir = dirname(dir);
  }
  // not inside causeway's folder (never so for this file): the working folder's
  return join(process.cwd(), '.cache', 'causeway');
}

export async function ensureDemoArchive(cacheDir?: string, log: (msg: string) => void = () => {}): Promise<{ archive: string; truthPath: string; generated: boolean }> {
  const root = cacheDir ?? defaultCacheDir();
  const dir = join(root, 'demo');
  const stamp = JSON.stringify({ version: SIM_VERSION, ...DEMO_OPTIONS });
  const archive = join(dir, '18164998.zip');
  const truthPath = join(dir, 'truth.json');
  const current = await fsp.readFile(join(dir, 'STAMP'), 'utf8').catch(() => null);
  if (current === stamp) {
    const ok = await Promise.all([fsp.stat(archive), fsp.stat(truthPath)]).then(() => true, () => false);
    if (ok) return { archive, truthPath, generated: false };
  }
  await fsp.mkdir(root, { recursive: true });
  const tmp = join(root, `.demo.tmp-${process.pid}-${Date.now()}`);
  log(`data: generating the demo archive into ${dir} (first use)`);
  try {
    await fsp.mkdir(tmp, { recursive: true });
    await synthesize({ ...DEMO_OPTIONS, out: join(tmp, '18164998.zip') });
    await fsp.writeFile(join(tmp, 'STAMP'), stamp);
    if (current !== null) {
      // a stale demo: move it aside first (rename is atomic), then drop it
      const old = join(root, `.demo.old-${process.pid}-${Date.now()}`);
      await fsp.rename(dir, old).catch(() => {});
      await fsp.rm(old, { recursive: true, force: true });
    }
    try {
      await fsp.rename(tmp, dir);
    } catch (e) {
      // Another process won the race: use its archive if it is complete.
      const theirs = await fsp.readFile(join(dir, 'STAMP'), 'utf8').catch(() => null);
      if (theirs !== stamp) throw e;
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return { archive, truthPath, generated: true };
}
