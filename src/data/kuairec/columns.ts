/**
 * The one list of KuaiRec's columns (docs/seeds.md §001's field guide), in file order with their kinds.
 * The reader (load.ts) types its CSV columns from it, the source's description (kuairecSchema) offers
 * it to expressions before any data is read, and the simulator (simulate/tables.ts) writes its headers
 * from it, so the three cannot drift apart.
 */
import type { ValueType } from '../table.js';
import type { DataSchema } from '../schema.js';

type Kind = 'number' | 'category';

/** The items' key in every KuaiRec table (the events' item code). */
export const ITEM_KEY = 'video_id';

/** small_matrix.csv / big_matrix.csv as read (all numeric; the text `time` column is not read). */
export const EVENT_COLUMNS = ['user_id', ITEM_KEY, 'play_duration', 'video_duration', 'date', 'timestamp', 'watch_ratio'] as const;

/** user_features.csv (31 columns): the *_range columns and user_active_degree are text. */
export const USER_FEATURE_COLUMNS: ReadonlyArray<readonly [string, Kind]> = [
  ['user_id', 'number'], ['user_active_degree', 'category'], ['is_lowactive_period', 'number'], ['is_live_streamer', 'number'],
  ['is_video_author', 'number'], ['follow_user_num', 'number'], ['follow_user_num_range', 'category'], ['fans_user_num', 'number'],
  ['fans_user_num_range', 'category'], ['friend_user_num', 'number'], ['friend_user_num_range', 'category'], ['register_days', 'number'],
  ['register_days_range', 'category'], ...Array.from({ length: 18 }, (_, i) => [`onehot_feat${i}`, 'number'] as const),
];

/** item_daily_features.csv (58 columns); unknown columns are typed from their values by the reader. */
export const ITEM_DAILY_COLUMNS: ReadonlyArray<readonly [string, Kind]> = [
  [ITEM_KEY, 'number'], ['date', 'number'], ['author_id', 'number'], ['video_type', 'category'], ['upload_dt', 'category'],
  ['upload_type', 'category'], ['visible_status', 'category'], ['video_duration', 'number'], ['video_width', 'number'],
  ['video_height', 'number'], ['music_id', 'number'], ['video_tag_id', 'number'], ['video_tag_name', 'category'],
  ...[
    'show_cnt', 'show_user_num', 'play_cnt', 'play_user_num', 'play_duration', 'complete_play_cnt', 'complete_play_user_num',
    'valid_play_cnt', 'valid_play_user_num', 'long_time_play_cnt', 'long_time_play_user_num', 'short_time_play_cnt',
    'short_time_play_user_num', 'play_progress', 'comment_stay_duration', 'like_cnt', 'like_user_num', 'click_like_cnt',
    'double_click_cnt', 'cancel_like_cnt', 'cancel_like_user_num', 'comment_cnt', 'comment_user_num', 'direct_comment_cnt',
    'reply_comment_cnt', 'delete_comment_cnt', 'delete_comment_user_num', 'comment_like_cnt', 'comment_like_user_num',
    'follow_cnt', 'follow_user_num', 'cancel_follow_cnt', 'cancel_follow_user_num', 'share_cnt', 'share_user_num',
    'download_cnt', 'download_user_num', 'report_cnt', 'report_user_num', 'reduce_similar_cnt', 'reduce_similar_user_num',
    'collect_cnt', 'collect_user_num', 'cancel_collect_cnt', 'cancel_collect_user_num',
  ].map((c) => [c, 'number'] as const),
];

/** kuairec_caption_category.csv: its numeric columns (the rest are text). */
export const CAPTION_NUMERIC_COLUMNS = [ITEM_KEY, 'first_level_category_id', 'second_level_category_id', 'third_level_category_id'];

/** Item columns derived from item_categories.csv `feat` (the items table of the loaded data). */
export const ITEM_CATEGORY_COLUMNS = ['first_category', 'category_count'] as const;

/**
 * Platform exposure is a video's average show_cnt, with its average play_cnt standing in for a video
 * that has no show counts (docs/seeds.md §000): item.avg_<key> falls back to item.avg_<value>. The
 * reader computes such columns itself, into the items table (load.ts withKuaiRecLayout).
 */
export const AVERAGE_FALLBACKS: Readonly<Record<string, string>> = { show_cnt: 'play_cnt' };

const namesOf = (list: ReadonlyArray<readonly [string, Kind]>, kind: Kind, skip: string[] = []) =>
  list.filter(([name, k]) => k === kind && !skip.includes(name)).map(([name]) => name);

/** user_features.csv's text columns (every other column is numeric). */
export const USER_TEXT_COLUMNS = namesOf(USER_FEATURE_COLUMNS, 'category');
/** item_daily_features.csv's known text and numeric columns. */
export const ITEM_DAILY_TEXT_COLUMNS = namesOf(ITEM_DAILY_COLUMNS, 'category');
export const ITEM_DAILY_NUMERIC_COLUMNS = namesOf(ITEM_DAILY_COLUMNS, 'number');

/** What the KuaiRec layout offers expressions before the archive is opened (the loaded tables decide at build time). */
export function kuairecSchema(): DataSchema {
  const user = new Map<string, ValueType>();
  for (const c of namesOf(USER_FEATURE_COLUMNS, 'number', ['user_id'])) user.set(c, 'number');
  for (const c of USER_TEXT_COLUMNS) user.set(c, 'category');
  return {
    event: new Map(EVENT_COLUMNS.map((c) => [c, 'number' as ValueType])),
    user,
    itemDaily: namesOf(ITEM_DAILY_COLUMNS, 'number', [ITEM_KEY, 'date']),
    item: new Map(ITEM_CATEGORY_COLUMNS.map((c) => [c, 'number' as ValueType])),
  };
}
