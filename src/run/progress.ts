/**
 * Progress for a grid run. On a TTY (and not in CI, not --quiet): listr2 with an overall task (done,
 * failed, cached, ETA) and one line per worker showing the cell it runs and for how long. Otherwise plain
 * lines, one per cell: `[3/24] cell 1a2b3c4d5e6f ok 2.1s (cached)`; with --quiet only failures and the
 * final line. Progress goes to stderr so stdout stays free for results.
 */
import { Listr } from 'listr2';
import type { CellResult } from '../results/index.js';
import type { ShardSpec } from './shard.js';

/** What the engine (engine.ts) reports while it runs a plan; progress renders it, tests may listen. */
export type EngineEvent =
  | { type: 'start'; total: number; cached: number; toRun: number; jobs: number; shard?: ShardSpec }
  | { type: 'cell-start'; index: number; cellId: string; worker: number }
  | { type: 'cell-done'; index: number; cellId: string; status: CellResult['status']; fromCache: boolean; ms: number; reason?: string; done: number; total: number }
  | { type: 'log'; cellId?: string; message: string }
  | { type: 'interrupt'; abandon: boolean; inFlight: number }
  | { type: 'end'; computed: number; fromCache: number; failed: number; skipped: number; interrupted: boolean; ms: number };

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'none';

interface ProgressReporter {
  event(e: EngineEvent): void;
  close(): Promise<void>;
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

function finalLine(e: Extract<EngineEvent, { type: 'end' }>): string {
  const total = e.computed + e.fromCache + e.skipped;
  const parts = [`${e.computed} computed`, `${e.fromCache} cached`, `${e.failed} failed`];
  if (e.skipped) parts.push(`${e.skipped} not run`);
  return `${e.interrupted ? 'grid interrupted' : 'grid done'}: ${total} cells — ${parts.join(', ')} in ${formatDuration(e.ms)}`;
}

export function createProgress(opts: { mode: ProgressMode; quiet: boolean; output: NodeJS.WritableStream; env?: NodeJS.ProcessEnv }): ProgressReporter {
  const env = opts.env ?? process.env;
  if (opts.mode === 'none') return { event: () => undefined, close: async () => undefined };
  const isTty = Boolean((opts.output as { isTTY?: boolean }).isTTY);
  const tty = opts.mode === 'tty' || (opts.mode === 'auto' && isTty && !env.CI && !opts.quiet);
  const heartbeat = Number(env.CAUSEWAY_PROGRESS_SECONDS ?? 30);
  return tty ? new TtyProgress(opts.output) : new PlainProgress(opts.output, opts.quiet, Number.isFinite(heartbeat) && heartbeat > 0 ? heartbeat : 30);
}

/**
 * Line-by-line progress for logs and CI: a line per finished cell, the cells' own step lines, and — so a
 * long cell never looks like a hang — every `heartbeatSeconds` (CAUSEWAY_PROGRESS_SECONDS, default 30) a
 * line naming each running cell, how long it has run and the step it is on.
 */
class PlainProgress implements ProgressReporter {
  private readonly running = new Map<string, { started: number; step: string }>();
  private timer: NodeJS.Timeout | null = null;
  private done = 0;
  private total = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly quiet: boolean,
    private readonly heartbeatSeconds: number,
  ) {}

  private beat(): void {
    if (this.running.size === 0) return;
    const now = Date.now();
    const cells = [...this.running].map(([id, r]) => `cell ${id} ${formatDuration(now - r.started)}${r.step ? ` (${r.step})` : ''}`);
    this.out.write(`… ${this.done}/${this.total} cells done; running: ${cells.join('; ')}\n`);
  }

  event(e: EngineEvent): void {
    const write = (line: string) => this.out.write(line + '\n');
    switch (e.type) {
      case 'cell-start':
        this.running.set(e.cellId, { started: Date.now(), step: '' });
        break;
      case 'start':
        if (!this.quiet) {
          const shard = e.shard ? ` (shard ${e.shard.index}/${e.shard.count})` : '';
          write(`grid: ${e.total} cells${shard}, ${e.cached} cached, ${e.toRun} to run on ${e.jobs} worker${e.jobs === 1 ? '' : 's'}`);
        }
        this.total = e.total;
        if (!this.quiet && e.toRun > 0) {
          this.timer = setInterval(() => this.beat(), this.heartbeatSeconds * 1000);
          this.timer.unref();
        }
        break;
      case 'cell-done': {
        this.running.delete(e.cellId);
        this.done = e.done;
        if (this.quiet && e.status !== 'failed') break;
        const timing = e.fromCache ? '(cached)' : formatDuration(e.ms);
        const reason = e.status === 'failed' ? `: ${firstLine(e.reason)}` : '';
        write(`[${e.done}/${e.total}] cell ${e.cellId} ${e.status} ${timing}${reason}`);
        break;
      }
      case 'log': {
        // a cell's step lines ("step: …") update what the heartbeat says; other lines are printed
        const step = /^step: (.*)$/.exec(e.message);
        const r = e.cellId ? this.running.get(e.cellId) : undefined;
        if (step && r) r.step = step[1]!;
        else if (!step && !this.quiet) write(`  ${e.cellId ? `cell ${e.cellId}: ` : ''}${e.message}`);
        break;
      }
      case 'interrupt':
        write(
          e.abandon
            ? `interrupted again: abandoning ${e.inFlight} in-flight cell${e.inFlight === 1 ? '' : 's'}`
            : `interrupted: no new cells; finishing ${e.inFlight} in flight (interrupt again to abandon them; re-run to resume)`,
        );
        break;
      case 'end':
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
        write(finalLine(e));
        break;
      default:
        break;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

class TtyProgress implements ProgressReporter {
  private listr: Listr | null = null;
  private running: Promise<void> | null = null;
  private readonly ended = deferred();
  private total = 0;
  private done = 0;
  private failed = 0;
  private cached = 0;
  private toRun = 0;
  private computedDone = 0;
  private began = Date.now();
  private readonly slots = new Map<number, { cellId: string; started: number; step?: string } | null>();
  private readonly slotTitles = new Map<number, (title: string) => void>();
  private overallTitle: ((t: string) => void) | null = null;
  private overallOutput: ((t: string) => void) | null = null;
  private readonly failures: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private jobs = 1;
  private readonly pendingLines: string[] = [];

  constructor(private readonly out: NodeJS.WritableStream) {}

  private eta(): string {
    const remaining = this.toRun - this.computedDone;
    if (this.computedDone === 0 || remaining <= 0) return remaining <= 0 ? '' : ' · ETA …';
    const elapsed = Date.now() - this.began;
    return ` · ETA ${formatDuration((elapsed / this.computedDone) * remaining)}`;
  }

  private refresh(): void {
    this.overallTitle?.(`Grid ${this.done}/${this.total} cells · ${this.cached} cached · ${this.failed} failed${this.eta()}`);
    for (const [id, busy] of this.slots) {
      this.slotTitles.get(id)?.(busy ? `worker ${id}: cell ${busy.cellId} ${formatDuration(Date.now() - busy.started)}${busy.step ? ` · ${busy.step}` : ''}` : `worker ${id}: idle`);
    }
    // listr2 keeps an output buffer per task: hand it each new line once.
    if (this.overallOutput) {
      for (const line of this.pendingLines) this.overallOutput(line);
      this.pendingLines.length = 0;
    }
  }

  event(e: EngineEvent): void {
    switch (e.type) {
      case 'start': {
        this.total = e.total;
        this.toRun = e.toRun;
        this.jobs = e.jobs;
        this.began = Date.now();
        this.start();
        break;
      }
      case 'cell-start':
        this.slots.set(e.worker, { cellId: e.cellId, started: Date.now() });
        break;
      case 'cell-done':
        this.done = e.done;
        if (e.fromCache) this.cached++;
        else this.computedDone++;
        if (e.status === 'failed') {
          this.failed++;
          this.failures.push(`✖ cell ${e.cellId}: ${firstLine(e.reason)}`);
          this.pendingLines.push(this.failures[this.failures.length - 1]!);
        }
        for (const [id, busy] of this.slots) if (busy?.cellId === e.cellId) this.slots.set(id, null);
        break;
      case 'log': {
        // a cell's step lines show on its worker's line, not in the log
        const step = /^step: (.*)$/.exec(e.message);
        if (step) {
          for (const busy of this.slots.values()) if (busy && busy.cellId === e.cellId) busy.step = step[1]!;
        } else this.pendingLines.push(`${e.cellId ? `cell ${e.cellId}: ` : ''}${e.message}`);
        break;
      }
      case 'interrupt':
        this.pendingLines.push(e.abandon ? 'interrupted again: abandoning in-flight cells' : 'interrupted: finishing in-flight cells (interrupt again to abandon)');
        break;
      case 'end':
        this.refresh();
        this.ended.resolve();
        this.endLine = finalLine(e);
        break;
      default:
        break;
    }
    this.refresh();
  }

  private endLine = '';

  private start(): void {
    if (this.toRun === 0) return; // nothing to show live: the final line says it all
    const slotTasks = Array.from({ length: this.jobs }, (_, j) => {
      const id = j + 1;
      this.slots.set(id, null);
      return {
        title: `worker ${id}: starting`,
        task: async (_ctx: unknown, task: { title: string }) => {
          this.slotTitles.set(id, (t) => (task.title = t));
          await this.ended.promise;
          task.title = `worker ${id}: done`;
        },
      };
    });
    this.listr = new Listr(
      [
        {
          title: 'Grid',
          task: (_ctx: unknown, task: { title: string; output: string; newListr: (tasks: unknown[], o: object) => unknown }) => {
            this.overallTitle = (t) => (task.title = t);
            this.overallOutput = (t) => (task.output = t);
            return task.newListr(slotTasks, { concurrent: true, exitOnError: false });
          },
          rendererOptions: { outputBar: 8, persistentOutput: true },
        },
      ] as never,
      { concurrent: false, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseSubtasks: false } } as never,
    );
    this.timer = setInterval(() => this.refresh(), 500);
    this.timer.unref();
    this.running = this.listr.run().then(
      () => undefined,
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.ended.resolve();
    if (this.timer) clearInterval(this.timer);
    if (this.running) await this.running;
    if (this.endLine) this.out.write(this.endLine + '\n');
    for (const f of this.failures) this.out.write(f + '\n');
  }
}
