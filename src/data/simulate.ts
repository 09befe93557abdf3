/**
 * The KuaiRec simulator (`causeway synth`): writes the complete real archive layout with a documented
 * user-day causal model inside, plus truth.json with its effects computed by counterfactual
 * re-simulation with common random numbers. The model's equations are in docs/simulator.md; the
 * constants below are named as there.
 *
 * Layout written (all with the real column names and value formats):
 *   18164998.zip                          outer, holds KuaiRec.zip STORED plus the outer side files
 *     KuaiRec.zip                         inner
 *       KuaiRec 2.0/data/big_matrix.csv   (matrix: 'big' only)
 *       KuaiRec 2.0/data/small_matrix.csv, user_features.csv, item_categories.csv,
 *       item_daily_features.csv, kuairec_caption_category.csv, social_network.csv
 * Rows are streamed out (never all rows in memory); only per-user-day state (n, A, M) is kept.
 * Same options ⇒ byte-identical archive (fixed zip mtimes, DOS timestamps only, seeded streams).
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { Rng } from '../rng.js';
import { CausewayError } from '../errors.js';

export interface SynthOptions {
  out: string;                 // archive path (…/18164998.zip) or an existing directory
  users: number;
  days?: number;               // default 63 (2020-07-05 … 2020-09-05)
  videos?: number;             // default 3327
  seed: number;
  null?: boolean;              // treatment moves nothing
  missingTimeShare?: number;   // share of rows with empty time/date/timestamp, default 0.038
  matrix?: 'small' | 'big';    // 'big' also writes big_matrix.csv (all users) and truth is for it
  eventsPerDay?: number;       // S: a typical user's timestamped events per active day, default 50
  cdeAt?: number[];            // mediator values for CDE(m); default the 10th and 90th population percentiles
  truthMaxRows?: number;       // Monte-Carlo truth over at most this many population rows (whole users), default 60000
  compressionLevel?: number;   // deflate level of the inner members, default 6
  log?: (msg: string) => void;
}

export interface SynthResult {
  archive: string;
  truthPath: string;
  truth: Truth;
  rows: number;                // matrix rows written (for the analysed matrix), incl. missing-time rows
  missingTimeRows: number;
  csvBytes: number;            // bytes of the analysed matrix CSV
  seconds: number;
}

export const SIM_VERSION = 1;

/** Model constants (docs/simulator.md names them the same). */
export const MODEL = {
  firstDayUtcMs: Date.UTC(2020, 6, 5) - 8 * 3600_000, // local (UTC+8) midnight of 2020-07-05
  degrees: [
    { name: 'full_active', share: 0.55, base: 1.15, prop: 0.05, sat: 0.04 },
    { name: 'high_active', share: 0.30, base: 0.90, prop: 0.0, sat: 0.0 },
    { name: 'middle_active', share: 0.12, base: 0.65, prop: -0.05, sat: -0.03 },
    { name: 'UNKNOWN', share: 0.03, base: 0.50, prop: -0.08, sat: -0.05 },
  ],
  betaRegister: 0.0001, betaFans: 0.001, registerCenter: 400, fansCenter: 40,
  rho1: 0.30, rho3: 0.05, skip: 0.03,
  deltaA: 0.10, deltaM: 0.8, deltaAM: 0.4, centerA: 0.5, centerM: 0.45,
  prop0: 0.5, gammaLag1: 0.25, gammaPrior3: 0.15, gammaRegister: 0.00008, gammaFans: 0.0008, propClip: [0.05, 0.95] as const,
  sat0: 0.40, satRegister: 0.00003, alphaDiscovery: 0.16, satClip: [0.02, 0.98] as const,
  shareTreated: 0.75, shareControl: 0.25,
};

interface UserRow {
  id: number;
  degree: number;
  register: number;
  fans: number;
  follow: number;
  friend: number;
  baseline: number;     // b_u
  propUser: number;     // user part of the propensity
  satUser: number;      // user part of the per-event satisfaction probability
}

/** xoshiro128** seeded from four words drawn from an Rng keyed by (seed, 'day', user, day); cheap to restart. */
class DayStream {
  private a = 0; private b = 0; private c = 0; private d = 0;
  reset(words: Uint32Array, off: number): void {
    this.a = words[off] | 0; this.b = words[off + 1] | 0; this.c = words[off + 2] | 0; this.d = words[off + 3] | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }
  private next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d; this.c ^= t; this.d = rotl(this.d, 11);
    return result;
  }
  float(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }
}
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

interface DayOutcome { active: number; n: number; A: number; M: number; k: number }

interface Effects { deltaA: number; deltaAM: number; alphaDiscovery: number }

/**
 * One user-day of the structural model. Inputs are the analyst-visible history (n_{t-1}, the
 * prior-3-day sum, yesterday's A and M and activity); `overrideA` intervenes on today's treatment.
 * Fills `slotDisc`/`high` for the factual realization when given. Draw order is fixed: skip, treat,
 * two normals' uniforms, then two uniforms per event (slot selection, satisfaction).
 */
function simulateDay(
  s: DayStream, user: UserRow, S: number, fx: Effects,
  n1: number, prior3: number, act1: number, A1: number, M1: number,
  overrideA: number, out: DayOutcome, slotDisc?: Uint8Array, high?: Uint8Array,
): void {
  const m = MODEL;
  const uSkip = s.float();
  const uTreat = s.float();
  const u1 = s.float();
  const u2 = s.float();
  let lambda = (1 - m.rho1 - 3 * m.rho3) * user.baseline + m.rho1 * n1 + m.rho3 * prior3
    + S * (fx.deltaA * (A1 - m.centerA * act1) + m.deltaM * (M1 - m.centerM * act1) + fx.deltaAM * A1 * (M1 - 0.5));
  if (lambda < 1) lambda = 1;
  const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  let n = uSkip < m.skip ? 0 : Math.round(lambda + Math.sqrt(lambda) * z);
  if (n < 0) n = 0;
  out.n = n;
  out.active = n > 0 ? 1 : 0;
  if (n === 0) {
    out.A = 0; out.M = 0; out.k = 0;
    return;
  }
  let p = m.prop0 + m.gammaLag1 * (n1 / S - 1) + m.gammaPrior3 * (prior3 / (3 * S) - 1) + user.propUser;
  p = p < m.propClip[0] ? m.propClip[0] : p > m.propClip[1] ? m.propClip[1] : p;
  const A = overrideA >= 0 ? overrideA : uTreat < p ? 1 : 0;
  const k = A === 1 ? Math.ceil(m.shareTreated * n) : Math.floor(m.shareControl * n);
  let selected = 0;
  let highCount = 0;
  for (let i = 0; i < n; i++) {
    const us = s.float();
    const uw = s.float();
    const disc = us * (n - i) < k - selected ? 1 : 0; // selection sampling: exactly k discovery slots
    selected += disc;
    let pi = user.satUser + fx.alphaDiscovery * disc;
    pi = pi < m.satClip[0] ? m.satClip[0] : pi > m.satClip[1] ? m.satClip[1] : pi;
    const h = uw < pi ? 1 : 0;
    highCount += h;
    if (slotDisc) slotDisc[i] = disc;
    if (high) high[i] = h;
  }
  out.A = A;
  out.M = highCount / n;
  out.k = k;
}

// ---------------------------------------------------------------------------------------------
// Static tables: users, videos.

const DEGREE_NAMES = MODEL.degrees.map((d) => d.name);

function makeUsers(count: number, seed: number): UserRow[] {
  const users: UserRow[] = [];
  for (let u = 0; u < count; u++) {
    const r = new Rng(seed, 'user', u);
    const x = r.nextFloat();
    let degree = 0;
    let acc = 0;
    for (let i = 0; i < MODEL.degrees.length; i++) {
      acc += MODEL.degrees[i].share;
      if (x < acc || i === MODEL.degrees.length - 1) { degree = i; break; }
    }
    const register = Math.round(15 * Math.pow(2500 / 15, r.nextFloat()));
    const fans = Math.round(Math.pow(301, r.nextFloat())) - 1;
    const follow = Math.round(Math.pow(1001, r.nextFloat())) - 1;
    const friend = r.nextFloat() < 0.4 ? 0 : Math.round(Math.pow(120, r.nextFloat())) - 1;
    const deg = MODEL.degrees[degree];
    users.push({
      id: u, degree, register, fans, follow, friend,
      baseline: deg.base + MODEL.betaRegister * (register - MODEL.registerCenter) + MODEL.betaFans * (fans - MODEL.fansCenter),
      propUser: deg.prop + MODEL.gammaRegister * (register - MODEL.registerCenter) + MODEL.gammaFans * (fans - MODEL.fansCenter),
      satUser: MODEL.sat0 + deg.sat + MODEL.satRegister * (register - MODEL.registerCenter),
    });
  }
  return users;
}

interface Videos {
  count: number;
  categories: number;
  feat: number[][];
  firstCategory: Int32Array;
  longTail: Uint8Array;
  durationMs: Int32Array;
  level: Float64Array;          // platform exposure level (show_cnt per day)
  longTailIds: Int32Array;
  popularByCategory: Int32Array[];
  firstDay: Int32Array;         // first day with item_daily_features rows
  noShowCount: Uint8Array;      // long-tail items whose show_cnt is empty (play_cnt fallback)
}

function makeVideos(count: number, seed: number, days: number): Videos {
  const categories = Math.max(2, Math.min(31, Math.floor(count / 4)));
  const r = new Rng(seed, 'videos');
  // Exactly ceil(count/2) long-tail items so the item median of avg show_cnt separates the groups.
  const order = Array.from({ length: count }, (_, i) => i);
  r.shuffle(order);
  const longTail = new Uint8Array(count);
  for (let i = 0; i < Math.ceil(count / 2); i++) longTail[order[i]] = 1;
  const feat: number[][] = [];
  const firstCategory = new Int32Array(count);
  const durationMs = new Int32Array(count);
  const level = new Float64Array(count);
  const firstDay = new Int32Array(count);
  const noShowCount = new Uint8Array(count);
  let popularIndex = 0;
  for (let v = 0; v < count; v++) {
    // Popular items cycle through the categories so every category has popular items.
    const first = longTail[v] ? r.nextInt(categories) : popularIndex++ % categories;
    const extra = r.nextFloat() < 0.3 ? 1 + r.nextInt(2) : 0;
    const list = [first];
    for (let j = 0; j < extra; j++) {
      const c = r.nextInt(categories);
      if (!list.includes(c)) list.push(c);
    }
    feat.push(list);
    firstCategory[v] = first;
    durationMs[v] = Math.round(Math.min(300_000, 3000 + 6500 * Math.exp(0.6 * r.normal())));
    level[v] = longTail[v] ? 50 * Math.pow(40, r.nextFloat()) : 400_000 * Math.pow(12, r.nextFloat());
    firstDay[v] = r.nextInt(Math.max(1, Math.floor(days / 2)));
    noShowCount[v] = longTail[v] && r.nextFloat() < 0.02 ? 1 : 0;
  }
  const longTailIds = Int32Array.from(order.slice(0, Math.ceil(count / 2)).sort((a, b) => a - b));
  const popular: number[][] = Array.from({ length: categories }, () => []);
  for (let v = 0; v < count; v++) if (!longTail[v]) popular[firstCategory[v]].push(v);
  return {
    count, categories, feat, firstCategory, longTail, durationMs, level, longTailIds,
    popularByCategory: popular.map((p) => Int32Array.from(p)), firstDay, noShowCount,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers.

function pad2(n: number): string { return n < 10 ? '0' + n : String(n); }
function pad3(n: number): string { return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n); }

function dayStamp(day: number): { date: string; iso: string } {
  const d = new Date(Date.UTC(2020, 6, 5 + day));
  const y = d.getUTCFullYear();
  const mo = pad2(d.getUTCMonth() + 1);
  const da = pad2(d.getUTCDate());
  return { date: `${y}${mo}${da}`, iso: `${y}-${mo}-${da}` };
}

function timeOfDay(msInDay: number): string {
  const h = Math.floor(msInDay / 3600_000);
  const mi = Math.floor((msInDay % 3600_000) / 60_000);
  const s = Math.floor((msInDay % 60_000) / 1000);
  return `${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(msInDay % 1000)}`;
}

function bin(value: number, edges: Array<[number, string]>, last: string): string {
  for (const [limit, label] of edges) if (value <= limit) return label;
  return last;
}

function csvQuote(s: string): string {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Groups strings into ~1 MB buffers so the zip writer is fed in large chunks, with backpressure. */
function textStream(gen: () => Generator<string>, encoding: BufferEncoding, onBytes?: (n: number) => void): Readable {
  function* chunks(): Generator<Buffer> {
    let acc = '';
    for (const piece of gen()) {
      acc += piece;
      if (acc.length >= 1 << 20) {
        const b = Buffer.from(acc, encoding);
        onBytes?.(b.length);
        yield b;
        acc = '';
      }
    }
    if (acc.length > 0) {
      const b = Buffer.from(acc, encoding);
      onBytes?.(b.length);
      yield b;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

// ---------------------------------------------------------------------------------------------

export interface TruthOutcome {
  TE: number; NDE: number; NIE: number;
  CDE: Array<{ m: number; value: number }>;
  'E[Y(0,M(0))]': number; 'E[Y(1,M(1))]': number; 'E[Y(1,M(0))]': number;
  se: { TE: number; NDE: number; NIE: number };
}

export interface Truth {
  schema: 'causeway.truth/1';
  generator: { name: string; version: number; options: Record<string, unknown> };
  definitions: Record<string, unknown>;
  population: { rows: number; users: number; truthRows: number; truthUsers: number; treatedShare: number; measuredTreatmentAgreement: number; mediatorMean: number; factualMismatches: number };
  outcomes: { future_7day_interactions: TruthOutcome; future_7day_active_day: TruthOutcome };
  model: typeof MODEL & { effects: Effects; eventsPerDay: number };
}

interface Ctx {
  seed: number; users: UserRow[]; videos: Videos; days: number; S: number; fx: Effects; missingShare: number;
  words: Uint32Array;
  // factual state per user-day (index u*days+d)
  n: Int32Array; A: Uint8Array; M: Float64Array; measuredAgree: Uint8Array;
}

function dayWords(seed: number, users: number, days: number): Uint32Array {
  const words = new Uint32Array(users * days * 4);
  for (let u = 0; u < users; u++) {
    for (let d = 0; d < days; d++) {
      const r = new Rng(seed, 'day', u, d);
      const o = (u * days + d) * 4;
      words[o] = r.nextUint32(); words[o + 1] = r.nextUint32(); words[o + 2] = r.nextUint32(); words[o + 3] = r.nextUint32();
    }
  }
  return words;
}

const MATRIX_HEADER = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n';

/** Streams the interaction matrix for users [0, userLimit); records factual state when `record`. */
function* matrixLines(ctx: Ctx, userLimit: number, record: boolean, counts: { rows: number; blank: number }): Generator<string> {
  yield MATRIX_HEADER;
  const { days, S, fx, videos, users } = ctx;
  const stream = new DayStream();
  const out: DayOutcome = { active: 0, n: 0, A: 0, M: 0, k: 0 };
  let slot = new Uint8Array(256);
  let high = new Uint8Array(256);
  const stamps = Array.from({ length: days }, (_, d) => dayStamp(d));
  const blankShare = ctx.missingShare;
  for (let u = 0; u < userLimit; u++) {
    const user = users[u];
    const seen = new Uint8Array(videos.categories);
    const seenList: number[] = [];
    let n1 = 0, n2 = 0, n3 = 0, A1 = 0, M1 = 0, act1 = 0;
    let piece = '';
    for (let d = 0; d < days; d++) {
      stream.reset(ctx.words, (u * days + d) * 4);
      simulateDay(stream, user, S, fx, n1, n1 + n2 + n3, act1, A1, M1, -1, out, slot, high);
      if (out.n > slot.length) {
        // Scratch too small for this day: grow and replay the same stream.
        slot = new Uint8Array(out.n * 2);
        high = new Uint8Array(out.n * 2);
        stream.reset(ctx.words, (u * days + d) * 4);
        simulateDay(stream, user, S, fx, n1, n1 + n2 + n3, act1, A1, M1, -1, out, slot, high);
      }
      const n = out.n;
      const idx = u * days + d;
      if (record) {
        ctx.n[idx] = n; ctx.A[idx] = out.A; ctx.M[idx] = out.M;
      }
      if (n > 0) {
        // Realization: items, watch ratios, times. Independent stream so the structural draws stay aligned.
        const r = new Rng(ctx.seed, 'events', u, d);
        const blanks = blankShare > 0 ? r.poisson((n * blankShare) / (1 - blankShare)) : 0;
        const total = n + blanks;
        // positions of blank rows among the total
        const isBlank = new Uint8Array(total);
        for (let b = 0; b < blanks; b++) {
          let pos = r.nextInt(total);
          while (isBlank[pos]) pos = (pos + 1) % total;
          isBlank[pos] = 1;
        }
        const dayStartMs = MODEL.firstDayUtcMs + d * 86400_000;
        let tInDay = Math.floor((6 + 13 * r.nextFloat()) * 3600_000);
        const rowsVideo = new Int32Array(total);
        const rowsPlay = new Float64Array(total);
        const rowsTime = new Float64Array(total);
        let ev = 0;
        let forced = 0;
        for (let i = 0; i < total; i++) {
          let v: number;
          let h: number;
          if (isBlank[i]) {
            v = r.nextInt(videos.count);
            h = r.nextFloat() < user.satUser ? 1 : 0;
          } else {
            const disc = slot[ev];
            h = high[ev];
            ev++;
            if (disc) {
              v = videos.longTailIds[r.nextInt(videos.longTailIds.length)];
            } else if (seenList.length === 0) {
              // The user's very first event cannot be in a seen category: measured as new-category.
              const c = r.nextInt(videos.categories);
              const pool = videos.popularByCategory[c];
              v = pool[r.nextInt(pool.length)];
              forced++;
            } else {
              const c = seenList[r.nextInt(seenList.length)];
              const pool = videos.popularByCategory[c];
              v = pool[r.nextInt(pool.length)];
            }
            const c = videos.firstCategory[v];
            if (!seen[c]) { seen[c] = 1; seenList.push(c); }
          }
          const dur = videos.durationMs[v];
          const wr = h ? 0.82 + (-Math.log(1 - r.nextFloat())) * 0.45 : 0.78 * Math.pow(r.nextFloat(), 0.7);
          const play = Math.round(wr * dur);
          rowsVideo[i] = v;
          rowsPlay[i] = play;
          rowsTime[i] = tInDay;
          tInDay += play + Math.round(2000 + 8000 * r.nextFloat());
        }
        // Keep the day inside its calendar date: squeeze offsets if the session ran past 23:59.
        const lastAllowed = 86_399_000;
        const first = rowsTime[0];
        const span = rowsTime[total - 1] - first;
        const scale = rowsTime[total - 1] > lastAllowed ? (lastAllowed - first) / Math.max(1, span) : 1;
        const st = stamps[d];
        for (let i = 0; i < total; i++) {
          const v = rowsVideo[i];
          const dur = videos.durationMs[v];
          const play = rowsPlay[i];
          const wrText = String(play / dur);
          if (isBlank[i]) {
            piece += `${u},${v},${play},${dur},,,,${wrText}\n`;
          } else {
            const msInDay = Math.floor(first + (rowsTime[i] - first) * scale);
            const ts = (dayStartMs + msInDay) / 1000;
            piece += `${u},${v},${play},${dur},${st.iso} ${timeOfDay(msInDay)},${st.date},${ts},${wrText}\n`;
          }
        }
        counts.rows += total;
        counts.blank += blanks;
        if (record) {
          const measuredTreated = (out.k + forced) / n >= 0.5 ? 1 : 0;
          ctx.measuredAgree[idx] = measuredTreated === out.A ? 1 : 0;
        }
      } else if (record) {
        ctx.measuredAgree[idx] = 1;
      }
      n3 = n2; n2 = n1; n1 = n; A1 = out.A; M1 = out.M; act1 = out.active;
      if (piece.length > 1 << 18) { yield piece; piece = ''; }
    }
    if (piece) yield piece;
  }
}

const USER_HEADER = ['user_id', 'user_active_degree', 'is_lowactive_period', 'is_live_streamer', 'is_video_author',
  'follow_user_num', 'follow_user_num_range', 'fans_user_num', 'fans_user_num_range', 'friend_user_num', 'friend_user_num_range',
  'register_days', 'register_days_range', ...Array.from({ length: 18 }, (_, i) => `onehot_feat${i}`)];
const ONEHOT_RANGE = [2, 8, 50, 1000, 8, 8, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];

function userFeaturesCsv(users: UserRow[], seed: number): string {
  let s = USER_HEADER.join(',') + '\n';
  for (const u of users) {
    const r = new Rng(seed, 'user-extra', u.id);
    const onehot: string[] = [];
    for (let i = 0; i < 18; i++) {
      const v = r.nextInt(ONEHOT_RANGE[i]);
      if (i === 4) onehot.push(r.nextFloat() < 0.01 ? '' : `${v}.0`); // the real feat4 has missing values (float)
      else onehot.push(String(v));
    }
    s += [
      u.id, DEGREE_NAMES[u.degree], r.nextFloat() < 0.02 ? 1 : 0, r.nextFloat() < 0.03 ? 1 : 0, r.nextFloat() < 0.35 ? 1 : 0,
      u.follow, csvQuote(bin(u.follow, [[0, '0'], [10, '(0,10]'], [50, '(10,50]'], [100, '(50,100]'], [150, '(100,150]'], [250, '(150,250]'], [500, '(250,500]']], '500+')),
      u.fans, csvQuote(bin(u.fans, [[0, '0'], [9, '[1,10)'], [99, '[10,100)'], [999, '[100,1k)'], [4999, '[1k,5k)']], '[5k,1w)')),
      u.friend, csvQuote(bin(u.friend, [[0, '0'], [4, '[1,5)'], [29, '[5,30)'], [59, '[30,60)'], [119, '[60,120)'], [249, '[120,250)']], '250+')),
      u.register, bin(u.register, [[30, '15-30'], [60, '31-60'], [90, '61-90'], [180, '91-180'], [365, '181-365'], [730, '366-730']], '730+'),
      ...onehot,
    ].join(',') + '\n';
  }
  return s;
}

function itemCategoriesCsv(videos: Videos): string {
  let s = 'video_id,feat\n';
  for (let v = 0; v < videos.count; v++) s += `${v},${csvQuote('[' + videos.feat[v].join(', ') + ']')}\n`;
  return s;
}

export const ITEM_DAILY_HEADER = ['video_id', 'date', 'author_id', 'video_type', 'upload_dt', 'upload_type', 'visible_status',
  'video_duration', 'video_width', 'video_height', 'music_id', 'video_tag_id', 'video_tag_name', 'show_cnt', 'show_user_num',
  'play_cnt', 'play_user_num', 'play_duration', 'complete_play_cnt', 'complete_play_user_num', 'valid_play_cnt',
  'valid_play_user_num', 'long_time_play_cnt', 'long_time_play_user_num', 'short_time_play_cnt', 'short_time_play_user_num',
  'play_progress', 'comment_stay_duration', 'like_cnt', 'like_user_num', 'click_like_cnt', 'double_click_cnt', 'cancel_like_cnt',
  'cancel_like_user_num', 'comment_cnt', 'comment_user_num', 'direct_comment_cnt', 'reply_comment_cnt', 'delete_comment_cnt',
  'delete_comment_user_num', 'comment_like_cnt', 'comment_like_user_num', 'follow_cnt', 'follow_user_num', 'cancel_follow_cnt',
  'cancel_follow_user_num', 'share_cnt', 'share_user_num', 'download_cnt', 'download_user_num', 'report_cnt', 'report_user_num',
  'reduce_similar_cnt', 'reduce_similar_user_num', 'collect_cnt', 'collect_user_num', 'cancel_collect_cnt', 'cancel_collect_user_num'];

const TAG_NAMES = ['颜值', '生活', '搞笑', '美食', '游戏', '音乐', '宠物', '旅游', '运动', '科技', '时尚', '教育'];
const CATEGORY_NAMES = ['颜值', '生活', '搞笑', '美食', '游戏', '音乐', '宠物', '旅游', '运动', '科技', '时尚', '教育', '汽车', '影视',
  '舞蹈', '亲子', '二次元', '健康', '摄影', '情感', '三农', '明星', '读书', '财经', '家居', '手工', '军事', '历史', '体育', '新闻', '其他'];

function* itemDailyLines(videos: Videos, days: number, seed: number): Generator<string> {
  yield ITEM_DAILY_HEADER.join(',') + '\n';
  const stamps = Array.from({ length: days }, (_, d) => dayStamp(d));
  let piece = '';
  for (let v = 0; v < videos.count; v++) {
    const r = new Rng(seed, 'item-daily', v);
    const author = 1000 + r.nextInt(50000);
    const upload = dayStamp(videos.firstDay[v] - 30 - r.nextInt(200)).iso;
    const width = r.nextFloat() < 0.7 ? 720 : 1080;
    const height = width === 720 ? 1280 : 1920;
    const music = r.nextInt(900000);
    const tag = r.nextInt(TAG_NAMES.length);
    const playRate = 0.3 + 0.4 * r.nextFloat();
    const completeRate = 0.2 + 0.4 * r.nextFloat();
    const likeRate = 0.01 + 0.05 * r.nextFloat();
    const dur = videos.durationMs[v];
    const fixed = `${author},${r.nextFloat() < 0.03 ? 'AD' : 'NORMAL'},${upload},ShortImport,public,${dur}.0,${width},${height},${music},${tag},${TAG_NAMES[tag]}`;
    for (let d = videos.firstDay[v]; d < days; d++) {
      const show = Math.max(1, Math.round(videos.level[v] * Math.exp(0.3 * r.normal())));
      const showUsers = Math.round(show * 0.85);
      const play = Math.round(show * playRate);
      const playUsers = Math.round(play * 0.9);
      const complete = Math.round(play * completeRate);
      const valid = Math.round(play * 0.8);
      const longPlay = Math.round(play * 0.3);
      const shortPlay = Math.round(play * 0.2);
      const like = Math.round(play * likeRate);
      const comment = Math.round(like * 0.1);
      const share = Math.round(like * 0.05);
      const follow = Math.round(like * 0.08);
      const collect = Math.round(like * 0.04);
      const progress = (0.3 + 0.5 * completeRate).toFixed(4);
      piece += [
        v, stamps[d].date, fixed, videos.noShowCount[v] ? '' : show, showUsers, play, playUsers, play * Math.round(dur * 0.6), complete,
        Math.round(complete * 0.95), valid, Math.round(valid * 0.95), longPlay, Math.round(longPlay * 0.95), shortPlay,
        Math.round(shortPlay * 0.95), progress, Math.round(comment * 3000), like, Math.round(like * 0.97), Math.round(like * 0.9),
        Math.round(like * 0.1), Math.round(like * 0.02), Math.round(like * 0.02), comment, Math.round(comment * 0.9),
        Math.round(comment * 0.7), Math.round(comment * 0.3), 0, 0, Math.round(comment * 0.5), Math.round(comment * 0.4),
        follow, Math.round(follow * 0.99), Math.round(follow * 0.05), Math.round(follow * 0.05), share, Math.round(share * 0.9),
        Math.round(share * 0.2), Math.round(share * 0.2), 0, 0, Math.round(play * 0.001), Math.round(play * 0.001), collect,
        Math.round(collect * 0.98), Math.round(collect * 0.05), Math.round(collect * 0.05),
      ].join(',') + '\n';
    }
    if (piece.length > 1 << 18) { yield piece; piece = ''; }
  }
  if (piece) yield piece;
}

const CAPTION_WORDS = ['今天', '分享', '一下', '我的', '日常', '快乐', '生活', '美好', '记录', '瞬间', '喜欢', '就', '点赞', '关注', '一起', '来看'];

function captionCsv(videos: Videos, seed: number): string {
  let s = 'video_id,manual_cover_text,caption,topic_tag,first_level_category_id,first_level_category_name,second_level_category_id,second_level_category_name,third_level_category_id,third_level_category_name\n';
  for (let v = 0; v < videos.count; v++) {
    const r = new Rng(seed, 'caption', v);
    const words = 2 + r.nextInt(8);
    let caption = '';
    for (let i = 0; i < words; i++) caption += CAPTION_WORDS[r.nextInt(CAPTION_WORDS.length)];
    const x = r.nextFloat();
    if (x < 0.05) caption += ', "真的"'; // commas and quotes inside a quoted field
    else if (x < 0.07) caption += '\n#日常';      // a newline inside a quoted field
    else if (x < 0.12) caption = '';
    const cover = r.nextFloat() < 0.7 ? 'UNKNOWN' : CAPTION_WORDS[r.nextInt(CAPTION_WORDS.length)];
    const topic = r.nextFloat() < 0.5 ? '[]' : `[${CAPTION_WORDS[r.nextInt(CAPTION_WORDS.length)]}]`;
    const c1 = videos.firstCategory[v];
    const c2 = r.nextFloat() < 0.2 ? -124 : 100 + c1 * 10 + r.nextInt(10);
    const c3 = r.nextFloat() < 0.6 ? -124 : 1000 + c1 * 100 + r.nextInt(100);
    s += [v, csvQuote(cover), csvQuote(caption), csvQuote(topic), c1, CATEGORY_NAMES[c1 % CATEGORY_NAMES.length],
      c2, c2 < 0 ? 'UNKNOWN' : CATEGORY_NAMES[(c2 * 7) % CATEGORY_NAMES.length], c3, c3 < 0 ? 'UNKNOWN' : CATEGORY_NAMES[(c3 * 13) % CATEGORY_NAMES.length]].join(',') + '\n';
  }
  return s;
}

function socialCsv(users: UserRow[], seed: number): string {
  let s = 'user_id,friend_list\n';
  const r = new Rng(seed, 'social');
  for (const u of users) {
    if (r.nextFloat() >= 0.1 || users.length < 2) continue;
    const k = 1 + r.nextInt(3);
    const friends: number[] = [];
    for (let i = 0; i < k; i++) {
      const f = r.nextInt(users.length);
      if (f !== u.id && !friends.includes(f)) friends.push(f);
    }
    if (friends.length) s += `${u.id},${csvQuote('[' + friends.join(', ') + ']')}\n`;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Truth by counterfactual re-simulation with common random numbers.

function computeTruth(ctx: Ctx, userLimit: number, cdeAtOpt: number[] | undefined, maxRows: number): Omit<Truth, 'schema' | 'generator' | 'definitions' | 'model'> {
  const { days, S, fx, users } = ctx;
  const horizon = 7;
  // Population: active user-days whose 7-day future lies inside the data.
  let popRows = 0;
  let treated = 0;
  let agree = 0;
  let mSum = 0;
  const popUsers = new Set<number>();
  for (let u = 0; u < userLimit; u++) {
    for (let t = 0; t + horizon < days; t++) {
      const i = u * days + t;
      if (ctx.n[i] > 0) {
        popRows++; treated += ctx.A[i]; agree += ctx.measuredAgree[i]; mSum += ctx.M[i];
        popUsers.add(u);
      }
    }
  }
  const stride = Math.max(1, Math.ceil(popRows / Math.max(1, maxRows)));
  // CDE mediator values: population percentiles of the factual mediator (over the truth rows).
  let cdeAt = cdeAtOpt;
  if (!cdeAt || cdeAt.length === 0) {
    const ms: number[] = [];
    for (let u = 0; u < userLimit; u += stride) for (let t = 0; t + horizon < days; t++) if (ctx.n[u * days + t] > 0) ms.push(ctx.M[u * days + t]);
    ms.sort((a, b) => a - b);
    const q = (p: number) => {
      if (ms.length === 0) return 0;
      const h = (ms.length - 1) * p;
      const lo = Math.floor(h);
      return ms[lo] + (ms[Math.min(ms.length - 1, lo + 1)] - ms[lo]) * (h - lo);
    };
    cdeAt = [q(0.1), q(0.9)];
  }
  const stream = new DayStream();
  const out: DayOutcome = { active: 0, n: 0, A: 0, M: 0, k: 0 };
  const resY = new Float64Array(2);
  /** Days t+1..t+7 with today's treatment input a and mediator input m. */
  const future = (u: number, t: number, a: number, m: number): Float64Array => {
    const user = users[u];
    const base = u * days;
    let n1 = ctx.n[base + t];
    let n2 = t >= 1 ? ctx.n[base + t - 1] : 0;
    let n3 = t >= 2 ? ctx.n[base + t - 2] : 0;
    let A1 = a, M1 = m, act1 = 1;
    let y = 0, yAct = 0;
    for (let k = 1; k <= horizon; k++) {
      const d = t + k;
      stream.reset(ctx.words, (base + d) * 4);
      simulateDay(stream, user, S, fx, n1, n1 + n2 + n3, act1, A1, M1, -1, out);
      y += out.n; yAct += out.active;
      n3 = n2; n2 = n1; n1 = out.n; A1 = out.A; M1 = out.M; act1 = out.active;
    }
    resY[0] = y; resY[1] = yAct;
    return resY;
  };
  const mediatorUnder = (u: number, t: number, a: number): number => {
    const base = u * days;
    const n1 = t >= 1 ? ctx.n[base + t - 1] : 0;
    const n2 = t >= 2 ? ctx.n[base + t - 2] : 0;
    const n3 = t >= 3 ? ctx.n[base + t - 3] : 0;
    const A1 = t >= 1 ? ctx.A[base + t - 1] : 0;
    const M1 = t >= 1 ? ctx.M[base + t - 1] : 0;
    const act1 = n1 > 0 ? 1 : 0;
    stream.reset(ctx.words, (base + t) * 4);
    simulateDay(stream, users[u], S, fx, n1, n1 + n2 + n3, act1, A1, M1, a, out);
    return out.M;
  };
  const nOut = 2;
  const sums = Array.from({ length: nOut }, () => ({ y11: 0, y00: 0, y10: 0, te2: 0, nde2: 0, nie2: 0, cde: new Float64Array(cdeAt!.length) }));
  let rows = 0;
  let factualMismatches = 0;
  const truthUsers = new Set<number>();
  for (let u = 0; u < userLimit; u += stride) {
    for (let t = 0; t + horizon < days; t++) {
      if (ctx.n[u * days + t] === 0) continue;
      rows++;
      truthUsers.add(u);
      const m1 = mediatorUnder(u, t, 1);
      const m0 = mediatorUnder(u, t, 0);
      // Re-simulating with the factual (A, M) must reproduce the data's future exactly.
      const yFact = future(u, t, ctx.A[u * days + t], ctx.M[u * days + t])[0];
      let yObs = 0;
      for (let k = 1; k <= horizon; k++) yObs += ctx.n[u * days + t + k];
      if (yFact !== yObs || (ctx.A[u * days + t] ? m1 : m0) !== ctx.M[u * days + t]) factualMismatches++;
      const y11 = Array.from(future(u, t, 1, m1));
      const y00 = Array.from(future(u, t, 0, m0));
      const y10 = Array.from(future(u, t, 1, m0));
      const cdes = cdeAt.map((m) => {
        const a1 = Array.from(future(u, t, 1, m));
        const a0 = Array.from(future(u, t, 0, m));
        return [a1[0] - a0[0], a1[1] - a0[1]];
      });
      for (let o = 0; o < nOut; o++) {
        const s = sums[o];
        s.y11 += y11[o]; s.y00 += y00[o]; s.y10 += y10[o];
        s.te2 += (y11[o] - y00[o]) ** 2; s.nde2 += (y10[o] - y00[o]) ** 2; s.nie2 += (y11[o] - y10[o]) ** 2;
        for (let c = 0; c < cdes.length; c++) s.cde[c] += cdes[c][o];
      }
    }
  }
  const outcome = (o: number): TruthOutcome => {
    const s = sums[o];
    const n = Math.max(1, rows);
    const TE = (s.y11 - s.y00) / n;
    const NDE = (s.y10 - s.y00) / n;
    const NIE = (s.y11 - s.y10) / n;
    const se = (sq: number, mean: number) => Math.sqrt(Math.max(0, sq / n - mean * mean) / n);
    return {
      TE, NDE, NIE,
      CDE: cdeAt!.map((m, c) => ({ m, value: s.cde[c] / n })),
      'E[Y(0,M(0))]': s.y00 / n, 'E[Y(1,M(1))]': s.y11 / n, 'E[Y(1,M(0))]': s.y10 / n,
      se: { TE: se(s.te2, TE), NDE: se(s.nde2, NDE), NIE: se(s.nie2, NIE) },
    };
  };
  return {
    population: {
      rows: popRows, users: popUsers.size, truthRows: rows, truthUsers: truthUsers.size,
      treatedShare: popRows ? treated / popRows : 0, measuredTreatmentAgreement: popRows ? agree / popRows : 0,
      mediatorMean: popRows ? mSum / popRows : 0, factualMismatches,
    },
    outcomes: { future_7day_interactions: outcome(0), future_7day_active_day: outcome(1) },
  };
}

const FIXED_MTIME = new Date(2022, 4, 1, 0, 0, 0); // local fields fixed ⇒ identical DOS timestamps in every time zone

async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, path);
}

export async function synthesize(opts: SynthOptions): Promise<SynthResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const days = opts.days ?? 63;
  const videoCount = opts.videos ?? 3327;
  const usersCount = opts.users;
  const S = opts.eventsPerDay ?? 50;
  const missingShare = opts.missingTimeShare ?? 0.038;
  const matrix = opts.matrix ?? 'small';
  if (!Number.isInteger(usersCount) || usersCount < 1) throw new CausewayError('SYNTH_BAD_OPTION', `users must be a positive integer (got ${usersCount})`, { kind: 'none' });
  if (!Number.isInteger(days) || days < 9) throw new CausewayError('SYNTH_BAD_OPTION', `days must be an integer >= 9 (got ${days})`, { kind: 'none' });
  if (!Number.isInteger(videoCount) || videoCount < 8) throw new CausewayError('SYNTH_BAD_OPTION', `videos must be an integer >= 8 (got ${videoCount})`, { kind: 'none' });
  if (!(missingShare >= 0 && missingShare < 0.5)) throw new CausewayError('SYNTH_BAD_OPTION', `missingTimeShare must be in [0, 0.5) (got ${missingShare})`, { kind: 'none' });
  if (!(S >= 1)) throw new CausewayError('SYNTH_BAD_OPTION', `eventsPerDay must be >= 1 (got ${S})`, { kind: 'none' });

  let archivePath = opts.out;
  const st = await fsp.stat(archivePath).catch(() => null);
  if (st?.isDirectory() || archivePath.endsWith('/')) archivePath = join(archivePath, '18164998.zip');
  const dir = dirname(archivePath);
  await fsp.mkdir(dir, { recursive: true });
  const truthPath = join(dir, 'truth.json');

  const fx: Effects = opts.null
    ? { deltaA: 0, deltaAM: 0, alphaDiscovery: 0 }
    : { deltaA: MODEL.deltaA, deltaAM: MODEL.deltaAM, alphaDiscovery: MODEL.alphaDiscovery };
  const users = makeUsers(usersCount, opts.seed);
  for (const u of users) u.baseline *= S; // b_u in events per day
  const videos = makeVideos(videoCount, opts.seed, days);
  const ctx: Ctx = {
    seed: opts.seed, users, videos, days, S, fx, missingShare,
    words: dayWords(opts.seed, usersCount, days),
    n: new Int32Array(usersCount * days), A: new Uint8Array(usersCount * days), M: new Float64Array(usersCount * days),
    measuredAgree: new Uint8Array(usersCount * days),
  };
  const smallUsers = matrix === 'big' ? Math.max(1, Math.round((usersCount * 1411) / 7176)) : usersCount;
  const level = opts.compressionLevel ?? 6;
  const entryOpts = { mtime: FIXED_MTIME, forceDosTimestamp: true, compressionLevel: level };
  const counts = { rows: 0, blank: 0 };
  const otherCounts = { rows: 0, blank: 0 };
  let csvBytes = 0;

  const inner = new yazl.ZipFile();
  inner.addEmptyDirectory('KuaiRec 2.0/', { mtime: FIXED_MTIME, forceDosTimestamp: true });
  inner.addBuffer(Buffer.from('Simulated KuaiRec-layout data written by causeway synth (not the real KuaiRec data).\nThe real KuaiRec dataset is licensed CC BY-SA 4.0.\n'), 'KuaiRec 2.0/LICENSE', entryOpts);
  inner.addBuffer(Buffer.from('import pandas as pd\nsmall_matrix = pd.read_csv("data/small_matrix.csv")\n'), 'KuaiRec 2.0/loaddata.py', entryOpts);
  inner.addEmptyDirectory('KuaiRec 2.0/data/', { mtime: FIXED_MTIME, forceDosTimestamp: true });
  if (matrix === 'big') {
    inner.addReadStream(textStream(() => matrixLines(ctx, usersCount, true, counts), 'latin1', (b) => { csvBytes += b; }), 'KuaiRec 2.0/data/big_matrix.csv', entryOpts);
  }
  const captions = captionCsv(videos, opts.seed);
  inner.addBuffer(Buffer.from(itemCategoriesCsv(videos)), 'KuaiRec 2.0/data/item_categories.csv', entryOpts);
  inner.addReadStream(textStream(() => itemDailyLines(videos, days, opts.seed), 'utf8'), 'KuaiRec 2.0/data/item_daily_features.csv', entryOpts);
  inner.addBuffer(Buffer.from(captions, 'utf8'), 'KuaiRec 2.0/data/kuairec_caption_category.csv', entryOpts);
  inner.addReadStream(textStream(() => matrixLines(ctx, smallUsers, matrix !== 'big', matrix === 'big' ? otherCounts : counts), 'latin1',
    (b) => { if (matrix !== 'big') csvBytes += b; }), 'KuaiRec 2.0/data/small_matrix.csv', entryOpts);
  inner.addBuffer(Buffer.from(socialCsv(users, opts.seed)), 'KuaiRec 2.0/data/social_network.csv', entryOpts);
  const userCsv = userFeaturesCsv(users, opts.seed);
  inner.addBuffer(Buffer.from(userCsv), 'KuaiRec 2.0/data/user_features.csv', entryOpts);
  inner.end();

  const outer = new yazl.ZipFile();
  outer.addReadStream(inner.outputStream, 'KuaiRec.zip', { mtime: FIXED_MTIME, forceDosTimestamp: true, compress: false });
  outer.addBuffer(Buffer.from(captions, 'utf8'), 'kuairec_caption_category.csv', { ...entryOpts, compress: false, compressionLevel: undefined });
  let rawCats = 'video_id,category_names\n';
  for (let v = 0; v < videos.count; v++) rawCats += `${v},${csvQuote(videos.feat[v].map((c) => CATEGORY_NAMES[c % CATEGORY_NAMES.length]).join(','))}\n`;
  outer.addBuffer(Buffer.from(rawCats, 'utf8'), 'video_raw_categories_multi.csv', { mtime: FIXED_MTIME, forceDosTimestamp: true, compress: false });
  outer.addBuffer(Buffer.from(userCsv), 'user_features_raw.csv', { mtime: FIXED_MTIME, forceDosTimestamp: true, compress: false });
  outer.end();

  const tmp = `${archivePath}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  const ws = createWriteStream(tmp);
  try {
    outer.outputStream.pipe(ws);
    await finished(ws);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsp.rename(tmp, archivePath);
  log(`synth: wrote ${archivePath} (${counts.rows} matrix rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const truthCore = computeTruth(ctx, usersCount, opts.cdeAt, opts.truthMaxRows ?? 60000);
  const truth: Truth = {
    schema: 'causeway.truth/1',
    generator: {
      name: 'causeway synth', version: SIM_VERSION,
      options: { users: usersCount, days, videos: videoCount, seed: opts.seed, null: !!opts.null, missingTimeShare: missingShare, matrix, eventsPerDay: S },
    },
    definitions: {
      archive: basename(archivePath),
      matrix: matrix === 'big' ? 'KuaiRec 2.0/data/big_matrix.csv (all users; small_matrix.csv holds the first users again)' : 'KuaiRec 2.0/data/small_matrix.csv',
      unit: 'user-day (calendar date of the event, local time UTC+8, as in the date column)',
      rows: 'rows with an empty time/date/timestamp are extra noise rows: the model and every definition below use the timestamped rows only (missingTime: drop)',
      treatment: 'A = the structural high-discovery day. On an active day the simulator draws A ~ Bernoulli(p(history, user features)) and then makes ceil(0.75 n) of the day\'s n events discovery candidates if A = 1, floor(0.25 n) if A = 0. Measured proxy: discovery_candidate_share >= 0.5 among active days, where discovery_candidate = long_tail or new_category; long_tail = the item\'s mean show_cnt in item_daily_features (mean play_cnt when show_cnt is empty) <= its median over items; new_category = first event of the user (event-time order) in the item\'s first category of item_categories.feat. population.measuredTreatmentAgreement is the share of population rows where the proxy equals A.',
      mediator: 'M = high_satisfaction_share: the share of the day\'s events with watch_ratio >= 0.8',
      outcome: 'future_7day_interactions = interactions (timestamped events) summed over days t+1..t+7',
      secondaryOutcomes: { future_7day_active_day: 'number of days among t+1..t+7 with at least one event' },
      population: 'active user-days (>= 1 timestamped event) with t + 7 <= the last day (future window inside the data); inactive days have A = 0 and M = 0 as in the zero-filled panel',
      intervention: 'a single-day intervention: A_t (and, for the mediation estimands, M_t) is set on day t only; days t+1..t+7 then follow the model\'s natural course (their own treatment policy) from the changed history',
      estimands: {
        TE: 'E[Y(1, M(1)) - Y(0, M(0))]',
        NDE: 'E[Y(1, M(0)) - Y(0, M(0))] (pure natural direct effect)',
        NIE: 'E[Y(1, M(1)) - Y(1, M(0))] (total natural indirect effect); TE = NDE + NIE exactly',
        CDE: 'E[Y(1, m) - Y(0, m)] at the listed mediator values m',
        'E[Y(0,M(0))]': 'mean outcome with the day untreated',
      },
      method: 'Monte-Carlo counterfactual re-simulation with common random numbers: for every population user-day (or every user in a deterministic 1-in-k subset of users when the population exceeds truthMaxRows) the day is re-simulated under A = a\' to draw M(a\'), then days t+1..t+7 are re-simulated with A_t = a and M_t = M(a\') (or m) using the same per-user-day random streams as the data. The averages are over that population (sample average effects); se is the standard error of each mean across rows (rows of a user are correlated, so it understates the Monte-Carlo error of a population expectation). Re-simulating with the factual (A, M) reproduces the data exactly.',
    },
    ...truthCore,
    model: { ...MODEL, effects: fx, eventsPerDay: S },
  };
  await atomicWrite(truthPath, JSON.stringify(truth, null, 2) + '\n');
  const seconds = (performance.now() - started) / 1000;
  log(`synth: truth.json (TE ${truth.outcomes.future_7day_interactions.TE.toFixed(2)}) in ${seconds.toFixed(1)} s total`);
  return { archive: archivePath, truthPath, truth, rows: counts.rows, missingTimeRows: counts.blank, csvBytes, seconds };
}
