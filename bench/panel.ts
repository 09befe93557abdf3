/**
 * Benchmark: buildPanel at small-matrix scale (1,411 users × 3,327 videos × 63 days ≈ 4.7 M events)
 * on a synthetic LoadedData generated in memory (no archive, no parsing: this times panel/ alone),
 * with seed 000's event fields, day measures and history.
 *
 *   npm run bench -- panel [--users N] [--videos N] [--days N] [--per-day N] [--reps N]
 */
import { Rng } from '../src/rng.js';
import { withKuaiRecLayout } from '../src/data/kuairec/index.js';
import { buildPanel, type LoadedData, type NamedExpression, type PanelDefinition } from '../src/panel/index.js';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
}

/** A KuaiRec-shaped LoadedData: events sorted by (user, timestamp), item tables, user features. */
export function syntheticData(users: number, videos: number, days: number, perDay: number): LoadedData {
  const rng = new Rng('bench-panel', users, videos, days, perDay);
  const counts = new Int32Array(users * days);
  let total = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = rng.nextFloat() < 0.05 ? 0 : rng.poisson(perDay);
    counts[k] = c;
    total += c;
  }
  const userId = new Float64Array(total);
  const videoId = new Float64Array(total);
  const playDuration = new Float64Array(total);
  const videoDuration = new Float64Array(total);
  const timestamp = new Float64Array(total);
  const date = new Float64Array(total);
  const watchRatio = new Float64Array(total);
  const videoLength = new Float64Array(videos);
  for (let v = 0; v < videos; v++) videoLength[v] = 5000 + Math.floor(rng.nextFloat() * 30000);
  const start = Date.UTC(2020, 6, 5) / 1000;
  let i = 0;
  for (let u = 0; u < users; u++) {
    for (let d = 0; d < days; d++) {
      const c = counts[u * days + d];
      const day = new Date((start + d * 86400) * 1000);
      const yyyymmdd = day.getUTCFullYear() * 10000 + (day.getUTCMonth() + 1) * 100 + day.getUTCDate();
      let t = start + d * 86400 + 3600;
      for (let e = 0; e < c; e++, i++) {
        const v = rng.nextInt(videos);
        const ratio = Math.exp(rng.normal() * 0.8 - 0.3);
        userId[i] = u * 7;
        videoId[i] = v;
        videoDuration[i] = videoLength[v];
        playDuration[i] = Math.round(ratio * videoLength[v]);
        watchRatio[i] = playDuration[i] / videoLength[v];
        t += 1 + rng.nextInt(120);
        timestamp[i] = t;
        date[i] = yyyymmdd;
      }
    }
  }
  const feats: number[] = [];
  const offsets = new Int32Array(videos + 1);
  for (let v = 0; v < videos; v++) {
    const k = 1 + rng.nextInt(3);
    for (let j = 0; j < k; j++) feats.push(rng.nextInt(31));
    offsets[v + 1] = feats.length;
  }
  const dailyRows = videos * days;
  const dailyVideo = new Float64Array(dailyRows);
  const dailyDate = new Float64Array(dailyRows);
  const showCnt = new Float64Array(dailyRows);
  const playCnt = new Float64Array(dailyRows);
  for (let v = 0, r = 0; v < videos; v++) {
    const popularity = Math.exp(rng.normal() * 2 + 6);
    for (let d = 0; d < days; d++, r++) {
      dailyVideo[r] = v;
      dailyDate[r] = date[0];
      showCnt[r] = rng.nextFloat() < 0.02 ? NaN : rng.poisson(popularity);
      playCnt[r] = Math.round(showCnt[r] * 0.6) || 0;
    }
  }
  const registerDays = new Float64Array(users);
  const degreeCodes = new Int32Array(users);
  for (let u = 0; u < users; u++) {
    registerDays[u] = rng.nextInt(2000);
    degreeCodes[u] = rng.nextInt(3);
  }
  return withKuaiRecLayout({
    events: {
      length: total,
      numeric: { user_id: userId, video_id: videoId, play_duration: playDuration, video_duration: videoDuration, timestamp, date, watch_ratio: watchRatio },
      categorical: {},
    },
    users: {
      length: users,
      numeric: { user_id: Float64Array.from({ length: users }, (_, u) => u * 7), register_days: registerDays },
      categorical: { user_active_degree: { codes: degreeCodes, levels: ['full_active', 'high_active', 'UNKNOWN'] } },
    },
    itemCategories: { videoId: Int32Array.from({ length: videos }, (_, v) => v), feat: { offsets, values: Int32Array.from(feats) } },
    itemDaily: { length: dailyRows, numeric: { video_id: dailyVideo, date: dailyDate, show_cnt: showCnt, play_cnt: playCnt }, categorical: {} },
    coverage: { users, events: total, firstDate: date[0], lastDate: date[total - 1], sampledUsers: users },
    fingerprint: 'synthetic-bench',
  });
}

const origin = { file: 'bench', line: 1, col: 1 };
const named = (name: string, expr: string): NamedExpression => ({ name, expr, origin });

/** Seed 000's measures (the same definitions test/panel/measures.test.ts checks by hand). */
export const SEED_000: PanelDefinition = {
  events: [
    named('play_duration_sec', 'play_duration / 1000'),
    named('watch_ratio_capped_2', 'clip(watch_ratio, 0, 2)'),
    named('valid_play', 'play_duration >= 2000'),
    named('high_watch', 'watch_ratio >= 0.8'),
    named('complete_or_rewatch', 'watch_ratio >= 1.0'),
    named('short_abandon', 'watch_ratio < 0.2'),
    named('long_tail', 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)'),
    named('new_category', 'first_time(user_id, item.first_category)'),
    named('discovery_candidate', 'long_tail or new_category'),
  ],
  days: [
    named('interactions', 'count()'),
    named('unique_videos', 'nunique(video_id)'),
    named('unique_categories', 'nunique(item.first_category)'),
    named('total_play_duration_sec', 'sum(play_duration) / 1000'),
    named('avg_play_duration_sec', 'mean(play_duration_sec)'),
    named('avg_watch_ratio', 'mean(watch_ratio)'),
    named('avg_watch_ratio_capped_2', 'mean(watch_ratio_capped_2)'),
    named('valid_play_share', 'share(valid_play)'),
    named('high_satisfaction_share', 'share(high_watch)'),
    named('complete_or_rewatch_share', 'share(complete_or_rewatch)'),
    named('short_abandon_share', 'share(short_abandon)'),
    named('long_tail_share', 'share(long_tail)'),
    named('new_category_share', 'share(new_category)'),
    named('discovery_candidate_share', 'share(discovery_candidate)'),
    named('satisfaction_depth_score', 'zmean(avg_watch_ratio_capped_2, high_satisfaction_share, complete_or_rewatch_share, -short_abandon_share)'),
  ],
  history: [
    { kind: 'lag', days: [1], of: ['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio_capped_2', 'valid_play_share', 'high_satisfaction_share', 'discovery_candidate_share'] },
    { kind: 'prior', days: [3], of: ['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio_capped_2', 'valid_play_share', 'high_satisfaction_share', 'discovery_candidate_share'] },
    { kind: 'lead', days: [1, 2, 3, 4, 5, 6, 7], of: ['active_day', 'interactions', 'total_play_duration_sec'], incomplete: 'missing' },
    { kind: 'future', days: [3, 7], of: ['active_day', 'interactions', 'total_play_duration_sec'], incomplete: 'missing' },
  ],
  userFeatures: 'all',
};

export async function run(args: string[]): Promise<string> {
  const users = option(args, 'users', 1411);
  const videos = option(args, 'videos', 3327);
  const days = option(args, 'days', 63);
  const perDay = option(args, 'per-day', 56);
  const reps = option(args, 'reps', 3);
  const data = syntheticData(users, videos, days, perDay);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let rows = 0;
  let columns = 0;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const panel = buildPanel(data, SEED_000);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    rows = panel.length;
    columns = Object.keys(panel.table.numeric).length + Object.keys(panel.table.categorical).length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  // CPU time (all threads, GC included) is steadier than wall time on a shared machine.
  const cpuMedian = [...cpuTimes].sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)];
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  return [
    '| benchmark | events | users × days | panel columns | wall ms (median / min) | CPU ms (median) | M events/s | RSS before / after (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| buildPanel (seed 000 measures, leads 1..7), ${reps} reps | ${data.events.length.toLocaleString('en-US')} | ${users} × ${days} = ${rows.toLocaleString('en-US')} | ${columns} | ${median.toFixed(0)} / ${sorted[0].toFixed(0)} | ${cpuMedian.toFixed(0)} | ${(data.events.length / median / 1000).toFixed(1)} | ${mb(rssBefore)} / ${mb(peakRss)} |`,
  ].join('\n');
}
