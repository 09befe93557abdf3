/**
 * The simulator's user-day causal model (docs/simulator.md names every constant the same): the
 * users and videos, one user-day of the structural equations, and the per-user-day random streams.
 */
import { Rng } from '../../../rng.js';

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


export interface UserRow {
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
export class DayStream {
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


export interface DayOutcome { active: number; n: number; A: number; M: number; k: number }

export interface Effects { deltaA: number; deltaAM: number; alphaDiscovery: number }

/**
 * One user-day of the structural model. Inputs are the analyst-visible history (n_{t-1}, the
 * prior-3-day sum, yesterday's A and M and activity); `overrideA` intervenes on today's treatment.
 * Fills `slotDisc`/`high` for the factual realization when given. Draw order is fixed: skip, treat,
 * two normals' uniforms, then two uniforms per event (slot selection, satisfaction).
 */
export function simulateDay(
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

export const DEGREE_NAMES = MODEL.degrees.map((d) => d.name);

export function makeUsers(count: number, seed: number): UserRow[] {
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

export interface Videos {
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

export function makeVideos(count: number, seed: number, days: number): Videos {
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

/** The simulation state shared by the matrix writer and the truth: inputs plus the factual user-day state. */
export interface Ctx {
  seed: number; users: UserRow[]; videos: Videos; days: number; S: number; fx: Effects; missingShare: number;
  words: Uint32Array;
  // factual state per user-day (index u*days+d)
  n: Int32Array; A: Uint8Array; M: Float64Array; measuredAgree: Uint8Array;
}

export function dayWords(seed: number, users: number, days: number): Uint32Array {
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
