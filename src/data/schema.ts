/**
 * Columns an expression may name before any data is read: the KuaiRec layout (docs/seeds.md §001's field
 * guide). At build time the scope is taken from the loaded tables instead, so a synthetic or CSV
 * source with extra columns works too.
 */
import type { ValueType } from './table.js';
import type { ColumnTable } from './table.js';

/** Numeric columns of small_matrix.csv / big_matrix.csv as the data layer provides them. */
export const EVENT_COLUMNS = ['user_id', 'video_id', 'play_duration', 'video_duration', 'timestamp', 'date', 'watch_ratio'] as const;

/** user_features.csv (31 columns); the *_range columns and user_active_degree are categorical. */
const USER_CATEGORICAL_COLUMNS = ['user_active_degree', 'follow_user_num_range', 'fans_user_num_range', 'friend_user_num_range', 'register_days_range'];
const USER_NUMERIC_COLUMNS = [
  'is_lowactive_period',
  'is_live_streamer',
  'is_video_author',
  'follow_user_num',
  'fans_user_num',
  'friend_user_num',
  'register_days',
  ...Array.from({ length: 18 }, (_, i) => `onehot_feat${i}`),
];

/** Numeric columns of item_daily_features.csv that can be averaged per video (item.avg_<column>). */
const ITEM_DAILY_NUMERIC_COLUMNS = [
  'author_id', 'video_duration', 'video_width', 'video_height', 'music_id', 'video_tag_id',
  'show_cnt', 'show_user_num', 'play_cnt', 'play_user_num', 'play_duration',
  'complete_play_cnt', 'complete_play_user_num', 'valid_play_cnt', 'valid_play_user_num',
  'long_time_play_cnt', 'long_time_play_user_num', 'short_time_play_cnt', 'short_time_play_user_num',
  'play_progress', 'comment_stay_duration', 'like_cnt', 'like_user_num', 'click_like_cnt', 'double_click_cnt',
  'cancel_like_cnt', 'cancel_like_user_num', 'comment_cnt', 'comment_user_num', 'direct_comment_cnt',
  'reply_comment_cnt', 'delete_comment_cnt', 'delete_comment_user_num', 'comment_like_cnt', 'comment_like_user_num',
  'follow_cnt', 'follow_user_num', 'cancel_follow_cnt', 'cancel_follow_user_num', 'share_cnt', 'share_user_num',
  'download_cnt', 'download_user_num', 'report_cnt', 'report_user_num', 'reduce_similar_cnt', 'reduce_similar_user_num',
  'collect_cnt', 'collect_user_num', 'cancel_collect_cnt', 'cancel_collect_user_num',
];

/** Item columns derived from item_categories.csv `feat`. */
export const ITEM_CATEGORY_COLUMNS = ['first_category', 'category_count'];

/** What the data offers to expressions: raw event columns, user features, item daily columns. */
export interface DataSchema {
  event: Map<string, ValueType>;
  user: Map<string, ValueType>;
  itemDaily: string[];
  itemCategories: boolean;
  /** Per-item columns of a source's items table (item.<column>), beside the per-day averages. */
  item?: Map<string, ValueType>;
}

export function kuairecSchema(): DataSchema {
  const user = new Map<string, ValueType>();
  for (const c of USER_NUMERIC_COLUMNS) user.set(c, 'number');
  for (const c of USER_CATEGORICAL_COLUMNS) user.set(c, 'category');
  return {
    event: new Map(EVENT_COLUMNS.map((c) => [c, 'number' as ValueType])),
    user,
    itemDaily: [...ITEM_DAILY_NUMERIC_COLUMNS],
    itemCategories: true,
  };
}

function tableSchema(table: ColumnTable, skip: string[] = []): Map<string, ValueType> {
  const out = new Map<string, ValueType>();
  for (const c of Object.keys(table.numeric)) if (!skip.includes(c)) out.set(c, 'number');
  for (const c of Object.keys(table.categorical)) if (!skip.includes(c)) out.set(c, 'category');
  return out;
}

/** The schema of loaded data (the tables actually present). */
export function schemaOfData(data: { events: ColumnTable; users: ColumnTable; itemDaily?: ColumnTable; itemCategories?: unknown; items?: ColumnTable; eventBooleans?: string[] }): DataSchema {
  const event = tableSchema(data.events);
  // 0/1 columns a source read from a true/false file column stay true/false for `and`/`or`.
  for (const c of data.eventBooleans ?? []) if (event.get(c) === 'number') event.set(c, 'boolean');
  return {
    ...(data.items ? { item: tableSchema(data.items, ['video_id']) } : {}),
    event,
    user: tableSchema(data.users, ['user_id']),
    itemDaily: data.itemDaily ? Object.keys(data.itemDaily.numeric).filter((c) => c !== 'video_id' && c !== 'date') : [],
    itemCategories: data.itemCategories !== undefined,
  };
}
