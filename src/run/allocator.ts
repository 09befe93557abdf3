/**
 * The C allocator's setting for a cell's analysis: with glibc, once a cell worker has read its data and
 * built its frame (src/run/cell.ts), every block of 128 KiB or more is mapped on its own and returned to
 * the system when freed — `mallopt(M_MMAP_THRESHOLD)` called through koffi's FFI, what
 * `MALLOC_MMAP_THRESHOLD_=131072` in the environment does from a process's start — and `malloc_trim(0)`
 * gives back what the arenas hold free at that point.
 *
 * Why: glibc's own default raises that threshold to the largest block freed so far (up to 32 MiB) and
 * serves smaller blocks from arenas that keep what is freed, so a cell's memory climbed stage by stage:
 * one full-size cell of the demo spec peaked at 426–499 MB with it and at 354–374 MB with this setting
 * (docs/performance-notes.md, Memory). Why not from the start: the data stage's large blocks would then
 * each be faulted in fresh, which cost the pipeline spec about 10% of its wall time; its data stage is one
 * pass whose freed blocks the trim returns.
 *
 * Left as it is when the user chose: MALLOC_MMAP_THRESHOLD_ set in the environment (glibc has applied
 * it), or CAUSEWAY_ALLOCATOR=default (glibc's own defaults). Nothing changes where the C library is not
 * glibc (musl, macOS, Windows): there koffi cannot load glibc or find its symbols.
 */
import { createRequire } from 'node:module';

/** The threshold set: 128 KiB, glibc's own starting value, kept fixed. */
const MMAP_THRESHOLD_BYTES = 131072;
/** glibc's malloc.h: `#define M_MMAP_THRESHOLD -3`. */
const M_MMAP_THRESHOLD = -3;

export type AllocatorSetting = { applied: true; mmapThreshold: number } | { applied: false; why: string };

interface Glibc { setting: AllocatorSetting; trim: (() => void) | null }

let glibc: Glibc | null = null;

/**
 * Fixes glibc's mmap threshold (once per process) and returns the arenas' free memory to the system (each
 * call: a cell's analysis starts from what is live, not from what the data stage or an earlier cell
 * freed). Says what it did; never throws.
 */
export function tuneAllocator(env: NodeJS.ProcessEnv = process.env): AllocatorSetting {
  glibc ??= decide(env);
  glibc.trim?.();
  return glibc.setting;
}

function decide(env: NodeJS.ProcessEnv): Glibc {
  const left = (why: string): Glibc => ({ setting: { applied: false, why }, trim: null });
  if (env.CAUSEWAY_ALLOCATOR === 'default') return left('CAUSEWAY_ALLOCATOR=default keeps the C library\'s own settings');
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined) return left('MALLOC_MMAP_THRESHOLD_ is set in the environment');
  if (process.platform !== 'linux') return left(`the C library of ${process.platform} is not glibc`);
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    // glibc's own symbol: a compatibility libc.so.6 over musl has no gnu_get_libc_version
    const version = libc.func('const char *gnu_get_libc_version()')() as string;
    const mallopt = libc.func('int mallopt(int param, int value)');
    const mallocTrim = libc.func('int malloc_trim(size_t pad)');
    if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) !== 1) return left(`glibc ${version} refused mallopt(M_MMAP_THRESHOLD)`);
    return { setting: { applied: true, mmapThreshold: MMAP_THRESHOLD_BYTES }, trim: () => mallocTrim(0) };
  } catch (e) {
    return left(`glibc's mallopt is not reachable here (${(e as Error).message})`);
  }
}
