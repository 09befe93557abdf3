// glibc's mmap threshold, set by the commands that compute (src/run/allocator.ts). Each case runs in a
// fresh Node process, since the setting is once per process and glibc's state is the process's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const allocatorModule = pathToFileURL(fileURLToPath(new URL('../../src/run/allocator.js', import.meta.url))).href;

/**
 * In a fresh process with `env`: tuneAllocator's answer, then whether a 256 KiB block asked of malloc
 * after a 1 MiB block was freed is mapped on its own (mallinfo2's count of mapped blocks rises by one).
 * With glibc's own dynamic threshold the free raises the threshold past 256 KiB and the block comes from
 * the heap; with the threshold fixed at 128 KiB it is mapped.
 */
function probe(env: Record<string, string>): { setting: { applied: boolean; mmapThreshold?: number; why?: string }; mappedAfterFree: number } {
  const script = `
    import { createRequire } from 'node:module';
    const { tuneAllocator } = await import(${JSON.stringify(allocatorModule)});
    const setting = tuneAllocator();
    const koffi = createRequire(${JSON.stringify(allocatorModule)})('koffi');
    const libc = koffi.load('libc.so.6');
    const fields = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];
    const Mallinfo2 = koffi.struct('mallinfo2', Object.fromEntries(fields.map((f) => [f, 'size_t'])));
    const mallinfo2 = libc.func('mallinfo2', Mallinfo2, []);
    const malloc = libc.func('void *malloc(size_t size)');
    const free = libc.func('void free(void *ptr)');
    free(malloc(1 << 20));
    const before = Number(mallinfo2().hblks);
    const block = malloc(256 << 10);
    const after = Number(mallinfo2().hblks);
    free(block);
    process.stdout.write(JSON.stringify({ setting, mappedAfterFree: after - before }));`;
  const clean = { ...process.env };
  delete clean.MALLOC_MMAP_THRESHOLD_;
  delete clean.CAUSEWAY_ALLOCATOR;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...clean, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('a run fixes glibc\'s mmap threshold at 128 KiB: a block of 256 KiB is mapped on its own even after a larger one was freed', () => {
  const tuned = probe({});
  assert.deepEqual(tuned.setting, { applied: true, mmapThreshold: 131072 });
  assert.equal(tuned.mappedAfterFree, 1);
  // the control: glibc's own defaults, where the freed 1 MiB block raised the threshold
  const untouched = probe({ CAUSEWAY_ALLOCATOR: 'default' });
  assert.equal(untouched.setting.applied, false);
  assert.match(untouched.setting.why!, /CAUSEWAY_ALLOCATOR=default/);
  assert.equal(untouched.mappedAfterFree, 0);
});

test('a threshold the user set in the environment is left to glibc', () => {
  const own = probe({ MALLOC_MMAP_THRESHOLD_: '4194304' });
  assert.equal(own.setting.applied, false);
  assert.match(own.setting.why!, /MALLOC_MMAP_THRESHOLD_ is set/);
  // glibc applied the user's 4 MiB: the 256 KiB block comes from the heap
  assert.equal(own.mappedAfterFree, 0);
  const lower = probe({ MALLOC_MMAP_THRESHOLD_: '65536' });
  assert.equal(lower.setting.applied, false);
  assert.equal(lower.mappedAfterFree, 1);
});
