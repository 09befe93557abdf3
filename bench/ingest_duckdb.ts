/**
 * The DuckDB side of `npm run bench -- ingest`: what an analyst fluent in SQL would write to build the
 * seed-000 user-day panel (bench/panel.ts SEED_000, the panel bench/ingest_pandas.py builds) from the
 * extracted CSV members, and DuckDB as a reader of the interaction matrix into the sorted typed columns
 * causeway's loader hands on (src/data/index.ts), against the hand-written reader (src/data/csv.ts).
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openArchive } from '../src/data/kuairec/index.js';

export const MEMBERS = ['small_matrix.csv', 'user_features.csv', 'item_categories.csv', 'item_daily_features.csv'] as const;

/** Writes the members the panel needs into `dir`/data/ (an extracted-folder layout causeway also reads). */
export async function extractMembers(archivePath: string, dir: string, matrix: string): Promise<void> {
  await fsp.mkdir(join(dir, 'data'), { recursive: true });
  const archive = await openArchive(archivePath);
  try {
    for (const name of [matrix, ...MEMBERS.slice(1)]) {
      const out = createWriteStream(join(dir, 'data', name));
      for await (const chunk of archive.stream(name)) if (!out.write(chunk)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    }
  } finally {
    await archive.close();
  }
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function connect(threads: number): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  return instance.connect();
}

/**
 * The seed-000 panel in SQL: event fields, the item joins (exposure = mean show_cnt, else mean
 * play_cnt; long tail at or below the median; first category), day aggregates, the dense user ×
 * calendar-day grid, lags, prior windows, leads and future windows (missing past the data), user features.
 */
export async function duckdbPanel(dir: string, matrix: string, modulus: number, threads: number): Promise<{ read_s: number; panel_s: number; events: number; panel_rows: number; sum_future7: number }> {
  const con = await connect(threads);
  const file = (name: string) => q(join(dir, 'data', name));
  const t0 = performance.now();
  // Read: the columns the panel needs, typed, users in the sample, rows with a time; file order kept for ties.
  await con.run(`CREATE TEMP TABLE ev AS
    SELECT user_id, video_id, play_duration, CAST(date AS BIGINT) AS day, timestamp, watch_ratio, row_number() OVER () AS file_row
    FROM read_csv(${file(matrix)}, header = true, auto_detect = false,
      columns = {'user_id': 'BIGINT', 'video_id': 'BIGINT', 'play_duration': 'DOUBLE', 'video_duration': 'DOUBLE', 'time': 'VARCHAR',
                 'date': 'DOUBLE', 'timestamp': 'DOUBLE', 'watch_ratio': 'DOUBLE'})
    WHERE user_id % ${modulus} = 0 AND date IS NOT NULL AND timestamp IS NOT NULL`);
  const t1 = performance.now();
  await con.run(`CREATE TEMP TABLE panel AS
    WITH item AS (
      SELECT video_id, coalesce(avg(show_cnt), avg(play_cnt)) AS exposure
      FROM read_csv(${file('item_daily_features.csv')}, header = true) GROUP BY video_id),
    tail AS (SELECT video_id, (exposure <= (SELECT quantile_cont(exposure, 0.5) FROM item))::DOUBLE AS long_tail FROM item),
    cat AS (
      SELECT video_id, CAST(string_split(trim(feat, '[]'), ',')[1] AS BIGINT) AS first_category
      FROM read_csv(${file('item_categories.csv')}, header = true, columns = {'video_id': 'BIGINT', 'feat': 'VARCHAR'})),
    e AS (
      SELECT ev.*, coalesce(tail.long_tail, 0) AS long_tail, cat.first_category,
        (row_number() OVER (PARTITION BY ev.user_id, cat.first_category ORDER BY ev.timestamp, ev.file_row) = 1)::DOUBLE AS new_category
      FROM ev LEFT JOIN tail USING (video_id) LEFT JOIN cat USING (video_id)),
    d AS (
      SELECT user_id, day, count(*) AS interactions, count(DISTINCT video_id) AS unique_videos,
        count(DISTINCT first_category) AS unique_categories, sum(play_duration) / 1000.0 AS total_play_duration_sec,
        avg(play_duration / 1000.0) AS avg_play_duration_sec, avg(watch_ratio) AS avg_watch_ratio,
        avg(least(greatest(watch_ratio, 0), 2)) AS avg_watch_ratio_capped_2, avg((play_duration >= 2000)::DOUBLE) AS valid_play_share,
        avg((watch_ratio >= 0.8)::DOUBLE) AS high_satisfaction_share, avg((watch_ratio >= 1.0)::DOUBLE) AS complete_or_rewatch_share,
        avg((watch_ratio < 0.2)::DOUBLE) AS short_abandon_share, avg(long_tail) AS long_tail_share, avg(new_category) AS new_category_share,
        avg((long_tail > 0 OR new_category > 0)::DOUBLE) AS discovery_candidate_share
      FROM e GROUP BY user_id, day),
    ds AS (
      SELECT *, ((avg_watch_ratio_capped_2 - avg(avg_watch_ratio_capped_2) OVER ()) / stddev_samp(avg_watch_ratio_capped_2) OVER ()
        + (high_satisfaction_share - avg(high_satisfaction_share) OVER ()) / stddev_samp(high_satisfaction_share) OVER ()
        + (complete_or_rewatch_share - avg(complete_or_rewatch_share) OVER ()) / stddev_samp(complete_or_rewatch_share) OVER ()
        - (short_abandon_share - avg(short_abandon_share) OVER ()) / stddev_samp(short_abandon_share) OVER ()) / 4 AS satisfaction_depth_score
      FROM d),
    days AS (
      SELECT CAST(strftime(g, '%Y%m%d') AS BIGINT) AS day
      FROM (SELECT strptime(CAST(min(day) AS VARCHAR), '%Y%m%d') AS lo, strptime(CAST(max(day) AS VARCHAR), '%Y%m%d') AS hi FROM ev),
        generate_series(lo, hi, INTERVAL 1 DAY) AS t(g)),
    grid AS (SELECT u.user_id, days.day FROM (SELECT DISTINCT user_id FROM ev) u CROSS JOIN days),
    p AS (
      SELECT grid.user_id, grid.day,
        coalesce(interactions, 0) AS interactions, coalesce(unique_videos, 0) AS unique_videos, coalesce(unique_categories, 0) AS unique_categories,
        coalesce(total_play_duration_sec, 0) AS total_play_duration_sec, coalesce(avg_play_duration_sec, 0) AS avg_play_duration_sec,
        coalesce(avg_watch_ratio, 0) AS avg_watch_ratio, coalesce(avg_watch_ratio_capped_2, 0) AS avg_watch_ratio_capped_2,
        coalesce(valid_play_share, 0) AS valid_play_share, coalesce(high_satisfaction_share, 0) AS high_satisfaction_share,
        coalesce(complete_or_rewatch_share, 0) AS complete_or_rewatch_share, coalesce(short_abandon_share, 0) AS short_abandon_share,
        coalesce(long_tail_share, 0) AS long_tail_share, coalesce(new_category_share, 0) AS new_category_share,
        coalesce(discovery_candidate_share, 0) AS discovery_candidate_share, coalesce(satisfaction_depth_score, 0) AS satisfaction_depth_score,
        (coalesce(interactions, 0) > 0)::DOUBLE AS active_day,
        row_number() OVER (PARTITION BY grid.user_id ORDER BY grid.day) - 1 AS calendar_day_index
      FROM grid LEFT JOIN ds USING (user_id, day))
    SELECT p.*,
      ${['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio_capped_2', 'valid_play_share', 'high_satisfaction_share', 'discovery_candidate_share']
        .map((c) => `coalesce(lag(${c}, 1) OVER w, 0) AS lag_1_${c}, coalesce(sum(${c}) OVER (w ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING), 0) AS prior_3day_${c}`).join(',\n      ')},
      ${['active_day', 'interactions', 'total_play_duration_sec']
        .map((c) => [1, 2, 3, 4, 5, 6, 7].map((k) => `lead(${c}, ${k}) OVER w AS lead_${k}_${c}`).join(', ')
          + `, ${[1, 2, 3].map((k) => `lead(${c}, ${k}) OVER w`).join(' + ')} AS future_3day_${c}`
          + `, ${[1, 2, 3, 4, 5, 6, 7].map((k) => `lead(${c}, ${k}) OVER w`).join(' + ')} AS future_7day_${c}`).join(',\n      ')},
      uf.* EXCLUDE (user_id)
    FROM p LEFT JOIN read_csv(${file('user_features.csv')}, header = true) uf USING (user_id)
    WINDOW w AS (PARTITION BY p.user_id ORDER BY p.day)`);
  const t2 = performance.now();
  const reader = await con.runAndReadAll(`SELECT (SELECT count(*) FROM ev)::DOUBLE, count(*)::DOUBLE, sum(future_7day_interactions)::DOUBLE FROM panel`);
  const [events, rows, sum] = reader.getRows()[0] as number[];
  con.closeSync();
  return { read_s: (t1 - t0) / 1000, panel_s: (t2 - t1) / 1000, events, panel_rows: rows, sum_future7: sum };
}

/**
 * DuckDB as the matrix reader (issue: a DuckDB reader for the KuaiRec zip, on the extracted member):
 * the seven numeric columns, users in the sample, rows with a time, sorted by (user, timestamp, file
 * order), into Float64Arrays — what src/data/index.ts readMatrix + sortEvents hand on.
 */
export async function duckdbMatrix(dir: string, matrix: string, modulus: number, threads: number): Promise<{ events: number; columns: Record<string, Float64Array> }> {
  const con = await connect(threads);
  const names = ['user_id', 'video_id', 'play_duration', 'video_duration', 'date', 'timestamp', 'watch_ratio'];
  const result = await con.stream(`SELECT ${names.join(', ')} FROM (
      SELECT *, row_number() OVER () AS file_row FROM read_csv(${q(join(dir, 'data', matrix))}, header = true, auto_detect = false,
        columns = {'user_id': 'DOUBLE', 'video_id': 'DOUBLE', 'play_duration': 'DOUBLE', 'video_duration': 'DOUBLE', 'time': 'VARCHAR',
                   'date': 'DOUBLE', 'timestamp': 'DOUBLE', 'watch_ratio': 'DOUBLE'}))
    WHERE user_id % ${modulus} = 0 AND time IS NOT NULL AND date IS NOT NULL AND timestamp IS NOT NULL AND video_id IS NOT NULL
    ORDER BY user_id, timestamp, file_row`);
  const parts: Float64Array[][] = names.map(() => []);
  let total = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let c = 0; c < names.length; c++) {
      const vector = chunk.getColumnVector(c);
      const out = new Float64Array(chunk.rowCount);
      for (let i = 0; i < chunk.rowCount; i++) out[i] = (vector.getItem(i) as number | null) ?? NaN;
      parts[c].push(out);
    }
    total += chunk.rowCount;
  }
  con.closeSync();
  const columns: Record<string, Float64Array> = {};
  names.forEach((name, c) => {
    const all = new Float64Array(total);
    let off = 0;
    for (const p of parts[c]) {
      all.set(p, off);
      off += p.length;
    }
    columns[name] = all;
  });
  return { events: total, columns };
}
