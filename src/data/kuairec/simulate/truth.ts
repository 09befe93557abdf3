/** The known truth: counterfactual re-simulation with common random numbers (docs/simulator.md, truth.json). */
import { DayStream, simulateDay, type Ctx, type DayOutcome, type Effects, type MODEL } from './model.js';

export interface TruthOutcome {
  TE: number; NDE: number; NIE: number;
  /** TE averaged over the treated (A = 1) and the untreated (A = 0) population days */
  ATT: number; ATC: number;
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

// ---------------------------------------------------------------------------------------------
// Truth by counterfactual re-simulation with common random numbers.

export function computeTruth(ctx: Ctx, userLimit: number, cdeAtOpt: number[] | undefined, maxRows: number): Omit<Truth, 'schema' | 'generator' | 'definitions' | 'model'> {
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
  const sums = Array.from({ length: nOut }, () => ({ y11: 0, y00: 0, y10: 0, te2: 0, nde2: 0, nie2: 0, teTreated: 0, cde: new Float64Array(cdeAt!.length) }));
  let rows = 0;
  let treatedRows = 0;
  let factualMismatches = 0;
  const truthUsers = new Set<number>();
  for (let u = 0; u < userLimit; u += stride) {
    for (let t = 0; t + horizon < days; t++) {
      if (ctx.n[u * days + t] === 0) continue;
      rows++;
      const treatedDay = ctx.A[u * days + t] === 1;
      if (treatedDay) treatedRows++;
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
        if (treatedDay) s.teTreated += y11[o] - y00[o];
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
      // the effect differs between days (the model is not linear), so the treated days' mean is not TE
      ATT: treatedRows ? s.teTreated / treatedRows : 0,
      ATC: rows > treatedRows ? (s.y11 - s.y00 - s.teTreated) / (rows - treatedRows) : 0,
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
