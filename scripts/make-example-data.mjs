// Writes the small data sets of specs/examples/data/ from fixed seeds (run: node scripts/make-example-data.mjs).
// Both are committed; this script is how they were made and how to remake them byte for byte.
//
// clips-log.csv (+ accounts.csv, clips.csv): an interaction log of a short-video app that does not look
//   like KuaiRec on purpose: text user and item keys (`account`, `clip`), epoch-millisecond times
//   (`ts_ms`) of a service in São Paulo (UTC-3, no daylight saving since 2019) whose day starts at
//   04:00, a `surface` column (feed / search / explore), true/false signals `liked` and `shared`, and
//   watch time in seconds. Curious accounts explore more and are more active (confounding); exploring
//   raises liking, and a day's exploring and liking raise the account's activity over the next week.
//
// units.csv (+ units.truth.json): one row per person, a linear structural model whose effects are
//   known exactly:
//     X1, X2 ~ N(0, 1); segment ∈ {a, b, c}; site ∈ 40 sites with a random effect u_site ~ N(0, 0.5²)
//     A ~ Bernoulli(logistic(-0.2 + 0.6 X1 - 0.4 X2 + 0.5 [segment = b]))
//     M = 0.5 + 0.8 A + 0.4 X1 + 0.2 [segment = b] + N(0, 1)
//     Y = 1 + 1.0 A + 0.6 M + 0.5 X1 + 0.3 X2 + 0.4 [segment = b] + u_site + N(0, 1)
//   so NDE = 1.0, NIE = 0.8 × 0.6 = 0.48, TE = 1.48 (no A×M interaction), and
//   E[Y(0, M(0))] = 1 + 0.6 (0.5 + 0.2/3) + 0.4/3 = 1.4733… (segments equally likely, X centred).
import { mkdirSync, writeFileSync } from 'node:fs';

const outDir = new URL('../specs/examples/data/', import.meta.url);
mkdirSync(outDir, { recursive: true });

/** mulberry32: a tiny seeded generator, so the files do not depend on causeway's own code. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const poisson = (m) => {
    let k = 0;
    let p = Math.exp(-m);
    let s = p;
    const u = next();
    while (u > s && k < 200) {
      k++;
      p *= m / k;
      s += p;
    }
    return k;
  };
  return { next, normal, poisson, pick: (list) => list[Math.floor(next() * list.length)] };
}
const logistic = (x) => 1 / (1 + Math.exp(-x));
const r4 = (x) => Math.round(x * 1e4) / 1e4;

function clipsLog() {
  const r = rng(20230306);
  const ACCOUNTS = 100;
  const CLIPS = 400;
  const DAYS = 28;
  const start = Date.UTC(2023, 2, 6); // Monday 2023-03-06, local midnight is 03:00 UTC
  const accounts = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const curious = r.normal();
    const plan = r.next() < 0.3 ? 'plus' : 'free';
    accounts.push({
      account: `acct-${(i * 7919 % 10007).toString(36).padStart(3, '0')}`,
      tenure_days: Math.round(30 + 700 * r.next()),
      plan,
      followers: r.poisson(20 + 30 * Math.exp(0.5 * curious)),
      curious,
      base: -0.6 + 0.5 * curious + (plan === 'plus' ? 0.4 : 0) + 0.3 * r.normal(),
    });
  }
  const clips = [];
  for (let j = 0; j < CLIPS; j++) {
    clips.push({ clip: `c${((j + 1) * 2654435761 % 4294967296).toString(16).padStart(8, '0').slice(-6)}`, length_s: Math.round(8 + 52 * r.next()), age_days: Math.floor(60 * r.next() ** 2), creator_followers: r.poisson(500 * r.next() + 10) });
  }
  const rows = [];
  for (const a of accounts) {
    let boost = 0;
    for (let d = 0; d < DAYS; d++) {
      if (r.next() > logistic(a.base + boost)) {
        boost *= 0.6;
        continue;
      }
      const n = 1 + r.poisson(Math.exp(0.5 + 0.3 * a.curious + 0.5 * boost));
      const explore = logistic(-1 + 0.8 * a.curious + 0.8 * r.normal()); // the day's exploring
      let explored = 0;
      let liked = 0;
      for (let k = 0; k < n; k++) {
        const surface = r.next() < explore ? 'explore' : r.next() < 0.8 ? 'feed' : 'search';
        const c = surface === 'explore' ? clips[Math.floor(r.next() ** 0.5 * CLIPS)] : clips[Math.floor(r.next() ** 2 * CLIPS)];
        const like = r.next() < logistic(-1.5 + (surface === 'explore' ? 0.9 : 0) + 0.3 * a.curious);
        const share = like && r.next() < 0.2;
        const watch = Math.min(c.length_s * 2, c.length_s * (0.2 + 0.9 * r.next() + (like ? 0.4 : 0)));
        // local time of day 07:00 … 26:00 (after midnight counts to the previous day: day_starts_at 4)
        const localMs = start + d * 86400e3 + Math.floor((7 + 19 * r.next()) * 3600e3);
        rows.push({ account: a.account, clip: c.clip, ts_ms: localMs + 3 * 3600e3, surface, watch_s: Math.round(watch * 10) / 10, liked: like, shared: share });
        if (surface === 'explore') explored++;
        if (like) liked++;
      }
      boost = 0.6 * boost + 0.3 * (explored / n) + 0.5 * (liked / n);
    }
  }
  rows.sort((x, y) => x.ts_ms - y.ts_ms || (x.account < y.account ? -1 : 1));
  const log = ['ts_ms,account,clip,surface,watch_s,liked,shared', ...rows.map((e) => `${e.ts_ms},${e.account},${e.clip},${e.surface},${e.watch_s},${e.liked},${e.shared}`)];
  writeFileSync(new URL('clips-log.csv', outDir), log.join('\n') + '\n');
  writeFileSync(new URL('accounts.csv', outDir), ['account,tenure_days,plan,followers', ...accounts.map((a) => `${a.account},${a.tenure_days},${a.plan},${a.followers}`)].join('\n') + '\n');
  writeFileSync(new URL('clips.csv', outDir), ['clip,length_s,age_days,creator_followers', ...clips.map((c) => `${c.clip},${c.length_s},${c.age_days},${c.creator_followers}`)].join('\n') + '\n');
  return rows.length;
}

function units() {
  const r = rng(1234567);
  const N = 2000;
  const SITES = 40;
  const site = Array.from({ length: SITES }, () => 0.5 * r.normal());
  const lines = ['unit_id,site,segment,age,x1,x2,treated,engagement,retention'];
  for (let i = 0; i < N; i++) {
    const s = Math.floor(r.next() * SITES);
    const segment = r.pick(['a', 'b', 'c']);
    const b = segment === 'b' ? 1 : 0;
    const x1 = r.normal();
    const x2 = r.normal();
    const age = Math.round(18 + 50 * r.next());
    const a = r.next() < logistic(-0.2 + 0.6 * x1 - 0.4 * x2 + 0.5 * b) ? 1 : 0;
    const m = 0.5 + 0.8 * a + 0.4 * x1 + 0.2 * b + r.normal();
    const y = 1 + 1.0 * a + 0.6 * m + 0.5 * x1 + 0.3 * x2 + 0.4 * b + site[s] + r.normal();
    lines.push(`p${String(i + 1).padStart(4, '0')},site${String(s + 1).padStart(2, '0')},${segment},${age},${r4(x1)},${r4(x2)},${a},${r4(m)},${r4(y)}`);
  }
  writeFileSync(new URL('units.csv', outDir), lines.join('\n') + '\n');
  const truth = {
    schema: 'causeway.truth/1',
    generator: 'scripts/make-example-data.mjs (linear structural model, seed 1234567)',
    definitions: {
      unit: 'one row of units.csv (a person); sites are clusters with a random effect on the outcome',
      treatment: 'A = treated (0/1), drawn from logistic(-0.2 + 0.6 x1 - 0.4 x2 + 0.5 [segment = b]). Measured proxy: treated >= 0.5',
      mediator: 'M = engagement = 0.5 + 0.8 A + 0.4 x1 + 0.2 [segment = b] + N(0, 1)',
      outcome: 'retention = 1 + 1.0 A + 0.6 M + 0.5 x1 + 0.3 x2 + 0.4 [segment = b] + u_site + N(0, 1)',
      estimands: {
        TE: 'E[Y(1, M(1))] - E[Y(0, M(0))] = 1.0 + 0.8 × 0.6',
        NDE: 'E[Y(1, M(0))] - E[Y(0, M(0))] = 1.0',
        NIE: 'E[Y(1, M(1))] - E[Y(1, M(0))] = 0.8 × 0.6',
      },
    },
    population: { units: N },
    outcomes: { retention: { TE: 1.48, NDE: 1.0, NIE: 0.48, 'E[Y(0,M(0))]': 1 + 0.6 * (0.5 + 0.2 / 3) + 0.4 / 3 } },
  };
  writeFileSync(new URL('units.truth.json', outDir), JSON.stringify(truth, null, 2) + '\n');
  return N;
}

const events = clipsLog();
const n = units();
process.stdout.write(`specs/examples/data: clips-log.csv ${events} events, units.csv ${n} units\n`);
