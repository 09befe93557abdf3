// glibc's mmap threshold and free memory, fixed and returned once a cell's frame is built
// (src/run/allocator.ts). Each case runs in a fresh Node process, since the setting is once per process and
// glibc's state is the process's; each reads glibc's own behaviour through koffi, as the module calls it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../scratch.js';

const moduleUrl = (rel: string) => new URL(`../../src/${rel}`, import.meta.url).href;
const allocatorModule = moduleUrl('run/allocator.js');

/** Script lines binding glibc's malloc, free, memset and mallinfo2 (koffi resolved from the allocator module). */
const GLIBC = `
  import { createRequire } from 'node:module';
  const koffi = createRequire(${JSON.stringify(allocatorModule)})('koffi');
  const libc = koffi.load('libc.so.6');
  const fields = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];
  const mallinfo2 = libc.func('mallinfo2', koffi.struct('mallinfo2', Object.fromEntries(fields.map((f) => [f, 'size_t']))), []);
  const malloc = libc.func('void *malloc(size_t size)');
  const memset = libc.func('void *memset(void *s, int c, size_t n)');
  const free = libc.func('void free(void *ptr)');
  const mallocTrim = libc.func('int malloc_trim(size_t pad)');
  // whether a 24 MiB block asked of malloc, after the heap's top was trimmed and a 31 MiB block freed, is
  // mapped on its own (the count of mapped blocks rises by one): glibc's own dynamic threshold rises to
  // 31 MiB with that free and the heap grows for the block; a threshold fixed lower maps it
  const mappedAfterFree = () => {
    mallocTrim(0);
    free(malloc(31 << 20));
    const before = Number(mallinfo2().hblks);
    const block = malloc(24 << 20);
    const mapped = Number(mallinfo2().hblks) - before;
    free(block);
    return mapped;
  };`;

function runScript(file: string, script: string, env: Record<string, string>): string {
  const clean = { ...process.env };
  delete clean.MALLOC_MMAP_THRESHOLD_;
  delete clean.CAUSEWAY_ALLOCATOR;
  // a file, not --eval: a run's cell worker inherits the process's options, --input-type among them
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...clean, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/**
 * tuneAllocator called in a fresh process with `env`, after 24 MiB in 64 KiB blocks were written and freed
 * behind one block still held (so glibc's `free` cannot shrink the heap's top): its answer, the resident
 * memory the call gave back, and mappedAfterFree then.
 */
function probe(env: Record<string, string>): { setting: { applied: boolean; mmapThreshold?: number; why?: string }; freedResidentMb: number; mappedAfterFree: number } {
  const dir = scratchDir('allocator');
  const script = `${GLIBC}
    const { tuneAllocator } = await import(${JSON.stringify(allocatorModule)});
    const blocks = Array.from({ length: 384 }, () => { const b = malloc(64 << 10); memset(b, 1, 64 << 10); return b; });
    const pin = malloc(64 << 10);
    for (const b of blocks) free(b);
    const residentBefore = process.memoryUsage.rss();
    const setting = tuneAllocator();
    const freedResidentMb = (residentBefore - process.memoryUsage.rss()) / 1048576;
    free(pin);
    process.stdout.write(JSON.stringify({ setting, freedResidentMb, mappedAfterFree: mappedAfterFree() }));`;
  return JSON.parse(runScript(join(dir, 'probe.mjs'), script, env));
}

test('a cell gives back the free memory glibc holds and fixes its mmap threshold at 128 KiB: a block of 24 MiB is mapped on its own even after a larger one was freed', () => {
  const tuned = probe({});
  assert.deepEqual(tuned.setting, { applied: true, mmapThreshold: 131072 });
  assert.ok(tuned.freedResidentMb > 16, `gave back ${tuned.freedResidentMb.toFixed(1)} MB of the 24 MB freed`);
  assert.equal(tuned.mappedAfterFree, 1);
  // the control: glibc's own defaults, where the freed memory stays and the freed 1 MiB block raised the threshold
  const untouched = probe({ CAUSEWAY_ALLOCATOR: 'default' });
  assert.equal(untouched.setting.applied, false);
  assert.match(untouched.setting.why!, /CAUSEWAY_ALLOCATOR=default/);
  assert.ok(untouched.freedResidentMb < 4, `gave back ${untouched.freedResidentMb.toFixed(1)} MB`);
  assert.equal(untouched.mappedAfterFree, 0);
});

test('a threshold the user set in the environment is left to glibc', () => {
  const own = probe({ MALLOC_MMAP_THRESHOLD_: '33554432' });
  assert.equal(own.setting.applied, false);
  assert.match(own.setting.why!, /MALLOC_MMAP_THRESHOLD_ is set/);
  // glibc applied the user's 32 MiB: the 24 MiB block comes from the heap
  assert.equal(own.mappedAfterFree, 0);
  const lower = probe({ MALLOC_MMAP_THRESHOLD_: '65536' });
  assert.equal(lower.setting.applied, false);
  assert.equal(lower.mappedAfterFree, 1);
});

/** mappedAfterFree in a fresh process once the tiny spec's cell has run (on a worker thread) with `env`. */
function mappedAfterRun(env: Record<string, string>): number {
  const dir = scratchDir('allocator-run');
  const script = `${GLIBC}
    const { writeTinyProject } = await import(${JSON.stringify(moduleUrl('../test/run/fixtures/tiny-spec.js'))});
    const { runSpec } = await import(${JSON.stringify(moduleUrl('run/run-spec.js'))});
    const dir = ${JSON.stringify(dir)};
    const spec = await writeTinyProject(dir);
    await runSpec(spec, { out: dir + '/run', cacheDir: dir + '/cache', progress: 'none', quiet: true, log: () => {} });
    process.stdout.write(String(mappedAfterFree()));`;
  return Number(runScript(join(dir, 'run.mjs'), script, env));
}

test('a run\'s cell sets the threshold for the process; CAUSEWAY_ALLOCATOR=default leaves glibc\'s own', () => {
  assert.equal(mappedAfterRun({}), 1);
  assert.equal(mappedAfterRun({ CAUSEWAY_ALLOCATOR: 'default' }), 0);
});
