/**
 * The C allocator's setting for the commands that compute (run, merge, frame): with glibc, every block of
 * 128 KiB or more is mapped on its own and returned to the system when freed — `mallopt(M_MMAP_THRESHOLD)`
 * called through koffi's FFI, what `MALLOC_MMAP_THRESHOLD_=131072` in the environment does at a process's
 * start. glibc's own default raises that threshold to the largest block freed so far (up to 32 MiB) and
 * serves smaller blocks from arenas that keep what is freed, so a cell's memory climbed stage by stage:
 * one full-size cell of the demo spec peaked at 426–499 MB with it, 372–380 MB with this setting, for 5–7%
 * more wall time (docs/performance-notes.md, Memory).
 *
 * Left as it is when the user chose: MALLOC_MMAP_THRESHOLD_ set in the environment (glibc has applied
 * it), or CAUSEWAY_ALLOCATOR=default (glibc's own defaults). Nothing changes where the C library is not
 * glibc (musl, macOS, Windows): there koffi cannot load glibc or find its symbols.
 */
import { createRequire } from 'node:module';

/** The threshold set: 128 KiB, glibc's own starting value, kept fixed. */
export const MMAP_THRESHOLD_BYTES = 131072;
/** glibc's malloc.h: `#define M_MMAP_THRESHOLD -3`. */
const M_MMAP_THRESHOLD = -3;

export type AllocatorSetting = { applied: true; mmapThreshold: number } | { applied: false; why: string };

let setting: AllocatorSetting | null = null;

/** Sets glibc's mmap threshold once per process (see above); says what it did. */
export function tuneAllocator(env: NodeJS.ProcessEnv = process.env): AllocatorSetting {
  setting ??= decide(env);
  return setting;
}

function decide(env: NodeJS.ProcessEnv): AllocatorSetting {
  if (env.CAUSEWAY_ALLOCATOR === 'default') return { applied: false, why: 'CAUSEWAY_ALLOCATOR=default keeps the C library\'s own settings' };
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined) return { applied: false, why: 'MALLOC_MMAP_THRESHOLD_ is set in the environment' };
  if (process.platform !== 'linux') return { applied: false, why: `the C library of ${process.platform} is not glibc` };
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    // glibc's own symbol: a compatibility libc.so.6 over musl has no gnu_get_libc_version
    const version = libc.func('const char *gnu_get_libc_version()')() as string;
    const mallopt = libc.func('int mallopt(int param, int value)');
    if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) !== 1) return { applied: false, why: `glibc ${version} refused mallopt(M_MMAP_THRESHOLD)` };
    return { applied: true, mmapThreshold: MMAP_THRESHOLD_BYTES };
  } catch (e) {
    return { applied: false, why: `glibc's mallopt is not reachable here (${(e as Error).message})` };
  }
}
