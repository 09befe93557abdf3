/**
 * A tiny hand-made LoadedData (two sampled users with events, one without; nine calendar days;
 * five videos), small enough that every seed measure can be worked out by hand in the tests.
 *
 * Days: index 0..8 = 2020-07-05 .. 2020-07-13.
 * Items (item_daily_features show_cnt / play_cnt rows → averages; item_categories feat):
 *   101  show 50, 150 → avg_show 100   play 50, 70 → avg_play 60    feat [5, 9]  first 5
 *   102  show 10, 30  → avg_show 20    play 8, 12  → avg_play 10    feat [7]     first 7
 *   103  show missing → avg_show NaN   play 40     → avg_play 40    feat [5]     first 5
 *   104  show 1000    → avg_show 1000  play 900    → avg_play 900   feat [8, 5]  first 8
 *   105  show 500                      play 400   (never watched by a sampled user)
 * Popularity coalesce(avg_show, avg_play) over the sampled videos: 101:100 102:20 103:40 104:1000;
 * median (linear) of [20, 40, 100, 1000] = 40 + 0.5 * 60 = 70 → long tail: 102, 103.
 *
 * Events (user, day, video, play_duration ms, video_duration ms, watch_ratio), in event-time order:
 *   e1 10 d0 101  4000 10000 0.4     e4 10 d1 101 25000 10000 2.5     e6 10 d3 102 1500 10000 0.15
 *   e2 10 d0 102  9000 10000 0.9     e5 10 d1 104 12000 12000 1.0     e7 10 --  104 5000 10000 0.5  (no date/time)
 *   e3 10 d0 103  1000 10000 0.1
 *   f1 20 d2 104  6000 12000 0.5     f4 20 d8 102  500 10000 0.05
 *   f2 20 d2 104 24000 12000 2.0
 *   f3 20 d2 103  8000 10000 0.8
 */
import type { LoadedData } from '../../src/panel/index.js';
import { withKuaiRecLayout } from '../../src/data/kuairec/index.js';

const BASE_TS = 1593907200; // 2020-07-05 00:00 UTC

export function makeTinyData(): LoadedData {
  //            user  day  video play   vdur   wr
  const rows: Array<[number, number, number, number, number, number]> = [
    [10, 0, 101, 4000, 10000, 0.4],
    [10, 0, 102, 9000, 10000, 0.9],
    [10, 0, 103, 1000, 10000, 0.1],
    [10, 1, 101, 25000, 10000, 2.5],
    [10, 1, 104, 12000, 12000, 1.0],
    [10, 3, 102, 1500, 10000, 0.15],
    [10, -1, 104, 5000, 10000, 0.5],
    [20, 2, 104, 6000, 12000, 0.5],
    [20, 2, 104, 24000, 12000, 2.0],
    [20, 2, 103, 8000, 10000, 0.8],
    [20, 8, 102, 500, 10000, 0.05],
  ];
  const n = rows.length;
  const column = (f: (r: (typeof rows)[number], i: number) => number) => Float64Array.from(rows.map(f));
  const dates = [20200705, 20200706, 20200707, 20200708, 20200709, 20200710, 20200711, 20200712, 20200713];
  const events = {
    length: n,
    numeric: {
      user_id: column((r) => r[0]),
      video_id: column((r) => r[2]),
      play_duration: column((r) => r[3]),
      video_duration: column((r) => r[4]),
      timestamp: column((r, i) => (r[1] < 0 ? NaN : BASE_TS + r[1] * 86400 + 3600 + i * 60)),
      date: column((r) => (r[1] < 0 ? NaN : dates[r[1]])),
      watch_ratio: column((r) => r[5]),
    },
    categorical: {},
  };
  const users = {
    length: 3,
    numeric: { user_id: Float64Array.from([10, 20, 30]), register_days: Float64Array.from([100, 200, 300]) },
    categorical: { user_active_degree: { codes: Int32Array.from([0, 1, 2]), levels: ['full_active', 'high_active', 'UNKNOWN'] } },
  };
  const feats: number[][] = [[5, 9], [7], [5], [8, 5], [3]];
  const offsets = new Int32Array(feats.length + 1);
  feats.forEach((f, i) => (offsets[i + 1] = offsets[i] + f.length));
  const itemCategories = { videoId: Int32Array.from([101, 102, 103, 104, 105]), feat: { offsets, values: Int32Array.from(feats.flat()) } };
  const itemDaily = {
    length: 8,
    numeric: {
      video_id: Float64Array.from([101, 101, 102, 102, 103, 104, 105, 999]),
      date: Float64Array.from([20200705, 20200706, 20200705, 20200706, 20200705, 20200705, 20200705, 20200705]),
      show_cnt: Float64Array.from([50, 150, 10, 30, NaN, 1000, 500, 7]),
      play_cnt: Float64Array.from([50, 70, 8, 12, 40, 900, 400, 7]),
    },
    categorical: {},
  };
  return withKuaiRecLayout({
    events,
    users,
    itemCategories,
    itemDaily,
    quality: [],
    coverage: { users: 3, events: n, firstDate: 20200705, lastDate: 20200713, sampledUsers: 3 },
    fingerprint: 'tiny-fixture-1',
  }) as LoadedData;
}

export const origin = (line: number) => ({ file: 'spec.yaml', line, col: 13 });
