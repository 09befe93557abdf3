/**
 * The KuaiRec simulator (`causeway synth`): writes the complete real archive layout with a documented
 * user-day causal model inside, plus truth.json with its effects computed by counterfactual
 * re-simulation with common random numbers. The model's equations are in docs/simulator.md.
 *
 * Parts: model.ts (users, videos, the structural user-day equations), matrix.ts (the interaction
 * matrices), tables.ts (the side tables), format.ts (value formats), truth.ts (the known effects);
 * this file lays the members out in the archive.
 * Rows are streamed out (never all rows in memory); only per-user-day state (n, A, M) is kept.
 * Same options ⇒ byte-identical archive (fixed zip mtimes, DOS timestamps only, seeded streams).
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { CausewayError } from '../../../errors.js';
import { MODEL, dayWords, makeUsers, makeVideos, type Ctx, type Effects } from './model.js';
import { textStream } from './format.js';
import { matrixLines } from './matrix.js';
import { captionCsv, itemCategoriesCsv, itemDailyLines, socialCsv, userFeaturesCsv } from './tables.js';
import { computeTruth, type Truth } from './truth.js';
import { COLAB_BADGE_SVG, figurePng, rawCategoriesCsv, rawUserFeaturesCsv, statisticsNotebook } from './raw.js';

export { MODEL } from './model.js';
export type { Truth, TruthOutcome } from './truth.js';

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

export const SIM_VERSION = 2;

/** Users in the big_matrix.csv placeholder written without --big. */
const BIG_PLACEHOLDER_USERS = 3;

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

  // Members in the real archive's order (test/data/kuairec-layout.json). big_matrix.csv is always there:
  // the whole matrix with --big, else a placeholder of the first users' rows with the real header, so a
  // `matrix: small` reader meets the member it must pass over as on real data.
  const dirOpts = { mtime: FIXED_MTIME, forceDosTimestamp: true };
  const inner = new yazl.ZipFile();
  inner.addEmptyDirectory('KuaiRec 2.0/', dirOpts);
  inner.addBuffer(Buffer.from('Simulated KuaiRec-layout data written by causeway synth (not the real KuaiRec data).\nThe real KuaiRec dataset is licensed CC BY-SA 4.0.\n'), 'KuaiRec 2.0/LICENSE', entryOpts);
  inner.addBuffer(Buffer.from(statisticsNotebook(), 'utf8'), 'KuaiRec 2.0/Statistics_KuaiRec.ipynb', entryOpts);
  inner.addEmptyDirectory('KuaiRec 2.0/data/', dirOpts);
  if (matrix === 'big') {
    inner.addReadStream(textStream(() => matrixLines(ctx, usersCount, true, counts, 0), 'latin1', (b) => { csvBytes += b; }), 'KuaiRec 2.0/data/big_matrix.csv', entryOpts);
  } else {
    const placeholderUsers = Math.min(BIG_PLACEHOLDER_USERS, usersCount);
    inner.addReadStream(textStream(() => matrixLines(ctx, placeholderUsers, false, { rows: 0, blank: 0 }, 0), 'latin1'), 'KuaiRec 2.0/data/big_matrix.csv', entryOpts);
  }
  const captions = captionCsv(videos, opts.seed);
  inner.addBuffer(Buffer.from(itemCategoriesCsv(videos)), 'KuaiRec 2.0/data/item_categories.csv', entryOpts);
  inner.addReadStream(textStream(() => itemDailyLines(videos, days, opts.seed), 'utf8'), 'KuaiRec 2.0/data/item_daily_features.csv', entryOpts);
  inner.addBuffer(Buffer.from(captions, 'utf8'), 'KuaiRec 2.0/data/kuairec_caption_category.csv', entryOpts);
  inner.addReadStream(textStream(() => matrixLines(ctx, smallUsers, matrix !== 'big', matrix === 'big' ? otherCounts : counts, missingShare), 'latin1',
    (b) => { if (matrix !== 'big') csvBytes += b; }), 'KuaiRec 2.0/data/small_matrix.csv', entryOpts);
  inner.addBuffer(Buffer.from(socialCsv(users, opts.seed)), 'KuaiRec 2.0/data/social_network.csv', entryOpts);
  inner.addBuffer(Buffer.from(userFeaturesCsv(users, opts.seed)), 'KuaiRec 2.0/data/user_features.csv', entryOpts);
  inner.addEmptyDirectory('KuaiRec 2.0/figs/', dirOpts);
  inner.addBuffer(figurePng(), 'KuaiRec 2.0/figs/KuaiRec.png', entryOpts);
  inner.addBuffer(Buffer.from(COLAB_BADGE_SVG, 'utf8'), 'KuaiRec 2.0/figs/colab-badge.svg', entryOpts);
  inner.addBuffer(Buffer.from('import pandas as pd\nsmall_matrix = pd.read_csv("data/small_matrix.csv")\n'), 'KuaiRec 2.0/loaddata.py', entryOpts);
  inner.end();

  // The outer side files are STORED, as in the real download.
  const stored = { mtime: FIXED_MTIME, forceDosTimestamp: true, compress: false };
  const outer = new yazl.ZipFile();
  outer.addReadStream(inner.outputStream, 'KuaiRec.zip', stored);
  outer.addBuffer(Buffer.from(captions, 'utf8'), 'kuairec_caption_category.csv', stored);
  outer.addBuffer(Buffer.from(rawCategoriesCsv(videos, opts.seed), 'utf8'), 'video_raw_categories_multi.csv', stored);
  outer.addBuffer(Buffer.from(rawUserFeaturesCsv(users, opts.seed), 'utf8'), 'user_features_raw.csv', stored);
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
        ATT: 'E[Y(1, M(1)) - Y(0, M(0)) | A = 1]: TE over the treated population days (the structural A)',
        ATC: 'E[Y(1, M(1)) - Y(0, M(0)) | A = 0]: TE over the untreated population days',
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
