/** The side-table writers: user_features, item_categories, item_daily_features, captions, social network. */
import { Rng } from '../../../rng.js';
import { DEGREE_NAMES, type UserRow, type Videos } from './model.js';
import { bin, csvQuote, dayStamp } from './format.js';
import { ITEM_DAILY_COLUMNS, USER_FEATURE_COLUMNS } from '../columns.js';

// Headers in the real files' column order, from the one list of KuaiRec columns (../columns.ts).
const USER_HEADER = USER_FEATURE_COLUMNS.map(([name]) => name);
const ONEHOT_RANGE = [2, 8, 50, 1000, 8, 8, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];

/**
 * Empty-cell rates of the real files (users or item-day rows), as test/data/kuairec-layout.json
 * records them. A column with empty cells is float64 in pandas, so its other cells print as `3.0`.
 */
const EMPTY_RATES = {
  onehotFeat4: 0.028,                                   // 201 of 7,176 users
  onehotFeat12to17: [0.0107, 0.0105, 0.0105, 0.0103, 0.0103, 0.0103], // 77, 75, 75, 74, 74, 74 users: nested
  itemVideoDuration: 0.0309,                            // 10,598 of 343,341 rows
  itemVideoTagName: 0.0945,                             // 32,434 of 343,341 rows
  captionText: 0.126,                                   // 1,355 of 10,728 videos
  collectDays: 12,                                      // collect_* empty on 2020-07-05 … 2020-07-16 (20.3 % of rows)
};

export function userFeaturesCsv(users: UserRow[], seed: number): string {
  let s = USER_HEADER.join(',') + '\n';
  for (const u of users) {
    const r = new Rng(seed, 'user-extra', u.id);
    // A stream of its own, so the empty cells move no other column's draws.
    const gap = new Rng(seed, 'user-empty', u.id).nextFloat();
    const onehot: string[] = [];
    for (let i = 0; i < 18; i++) {
      const v = r.nextInt(ONEHOT_RANGE[i]);
      if (i === 4) onehot.push(r.nextFloat() < EMPTY_RATES.onehotFeat4 ? '' : `${v}.0`);
      else if (i >= 12) onehot.push(gap < EMPTY_RATES.onehotFeat12to17[i - 12] ? '' : `${v}.0`);
      else onehot.push(String(v));
    }
    s += [
      u.id, DEGREE_NAMES[u.degree], r.nextFloat() < 0.02 ? 1 : 0, r.nextFloat() < 0.03 ? 1 : 0, r.nextFloat() < 0.35 ? 1 : 0,
      u.follow, csvQuote(followRange(u.follow)), u.fans, csvQuote(fansRange(u.fans)), u.friend, csvQuote(friendRange(u.friend)),
      u.register, registerRange(u.register),
      ...onehot,
    ].join(',') + '\n';
  }
  return s;
}

/** user_features.csv's three flags of a user (replays userFeaturesCsv's draws), for user_features_raw.csv. */
export function userFlags(seed: number, id: number): { lowActive: number; liveStreamer: number; videoAuthor: number } {
  const r = new Rng(seed, 'user-extra', id);
  for (let i = 0; i < 18; i++) {
    r.nextInt(ONEHOT_RANGE[i]);
    if (i === 4) r.nextFloat();
  }
  return { lowActive: r.nextFloat() < 0.02 ? 1 : 0, liveStreamer: r.nextFloat() < 0.03 ? 1 : 0, videoAuthor: r.nextFloat() < 0.35 ? 1 : 0 };
}

export const followRange = (n: number): string => bin(n, [[0, '0'], [10, '(0,10]'], [50, '(10,50]'], [100, '(50,100]'], [150, '(100,150]'], [250, '(150,250]'], [500, '(250,500]']], '500+');
export const fansRange = (n: number): string => bin(n, [[0, '0'], [9, '[1,10)'], [99, '[10,100)'], [999, '[100,1k)'], [4999, '[1k,5k)']], '[5k,1w)');
export const friendRange = (n: number): string => bin(n, [[0, '0'], [4, '[1,5)'], [29, '[5,30)'], [59, '[30,60)'], [119, '[60,120)'], [249, '[120,250)']], '250+');
export const registerRange = (n: number): string => bin(n, [[30, '15-30'], [60, '31-60'], [90, '61-90'], [180, '91-180'], [365, '181-365'], [730, '366-730']], '730+');

export function itemCategoriesCsv(videos: Videos): string {
  let s = 'video_id,feat\n';
  for (let v = 0; v < videos.count; v++) s += `${v},${csvQuote('[' + videos.feat[v].join(', ') + ']')}\n`;
  return s;
}

const ITEM_DAILY_HEADER = ITEM_DAILY_COLUMNS.map(([name]) => name);

const TAG_NAMES = ['颜值', '生活', '搞笑', '美食', '游戏', '音乐', '宠物', '旅游', '运动', '科技', '时尚', '教育'];
export const CATEGORY_NAMES = ['颜值', '生活', '搞笑', '美食', '游戏', '音乐', '宠物', '旅游', '运动', '科技', '时尚', '教育', '汽车', '影视',
  '舞蹈', '亲子', '二次元', '健康', '摄影', '情感', '三农', '明星', '读书', '财经', '家居', '手工', '军事', '历史', '体育', '新闻', '其他'];

export function* itemDailyLines(videos: Videos, days: number, seed: number): Generator<string> {
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
    const head = `${author},${r.nextFloat() < 0.03 ? 'AD' : 'NORMAL'},${upload},ShortImport,public,`;
    const size = `,${width},${height},${music},${tag},`;
    const gaps = new Rng(seed, 'item-daily-empty', v); // own stream: the empty cells move no other draw
    for (let d = videos.firstDay[v]; d < days; d++) {
      const fixed = head + (gaps.nextFloat() < EMPTY_RATES.itemVideoDuration ? '' : `${dur}.0`) + size
        + (gaps.nextFloat() < EMPTY_RATES.itemVideoTagName ? '' : TAG_NAMES[tag]);
      const collectKnown = d >= EMPTY_RATES.collectDays;
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
        Math.round(share * 0.2), Math.round(share * 0.2), 0, 0, Math.round(play * 0.001), Math.round(play * 0.001),
        collectKnown ? `${collect}.0,${Math.round(collect * 0.98)}.0,${Math.round(collect * 0.05)}.0,${Math.round(collect * 0.05)}.0` : ',,,',
      ].join(',') + '\n';
    }
    if (piece.length > 1 << 18) { yield piece; piece = ''; }
  }
  if (piece) yield piece;
}

const CAPTION_WORDS = ['今天', '分享', '一下', '我的', '日常', '快乐', '生活', '美好', '记录', '瞬间', '喜欢', '就', '点赞', '关注', '一起', '来看'];

export function captionCsv(videos: Videos, seed: number): string {
  let s = 'video_id,manual_cover_text,caption,topic_tag,first_level_category_id,first_level_category_name,second_level_category_id,second_level_category_name,third_level_category_id,third_level_category_name\n';
  for (let v = 0; v < videos.count; v++) {
    const r = new Rng(seed, 'caption', v);
    const words = 2 + r.nextInt(8);
    let caption = '';
    for (let i = 0; i < words; i++) caption += CAPTION_WORDS[r.nextInt(CAPTION_WORDS.length)];
    const x = r.nextFloat();
    if (x < 0.05) caption += ', "真的"'; // commas and quotes inside a quoted field
    else if (x < 0.07) caption += '\n#日常';      // a newline inside a quoted field
    else if (x < 0.07 + EMPTY_RATES.captionText) caption = '';
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

export function socialCsv(users: UserRow[], seed: number): string {
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
