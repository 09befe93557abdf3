/**
 * The members no causeway spec reads, written so the simulated archive has every member of the real
 * one (test/data/kuairec-layout.json lists them): the outer raw side files, the statistics notebook,
 * the README figures, the licence and loader script. Headers are the real ones; the values are
 * invented but typed and formatted like the real columns (docs/simulator.md says which).
 */
import { deflateSync } from 'node:zlib';
import { Rng } from '../../../rng.js';
import { DEGREE_NAMES, type UserRow, type Videos } from './model.js';
import { csvQuote, dayStamp } from './format.js';
import { CATEGORY_NAMES, fansRange, followRange, friendRange, registerRange, userFlags } from './tables.js';

const RAW_CATEGORIES_HEADER = ['video_id', 'category_name', 'category_id', 'category_level', 'prob', 'source', 'upload_date',
  'category_online', 'root_id', 'root_name', 'parent_id', 'parent_name', 'type'];

/** video_raw_categories_multi.csv: one row per (video, category) of item_categories' `feat`, with its level-1 root. */
export function rawCategoriesCsv(videos: Videos, seed: number): string {
  let s = RAW_CATEGORIES_HEADER.join(',') + '\n';
  for (let v = 0; v < videos.count; v++) {
    const r = new Rng(seed, 'raw-categories', v);
    const upload = dayStamp(videos.firstDay[v] - 30 - r.nextInt(200)).iso;
    const root = videos.feat[v][0];
    for (const c of videos.feat[v]) {
      const level = c === root ? 1 : 2;
      const prob = (0.5 + 0.5 * r.nextFloat()).toFixed(4);
      s += [v, CATEGORY_NAMES[c % CATEGORY_NAMES.length], 100 + c, level, prob, r.nextFloat() < 0.8 ? 'model' : 'manual', upload,
        r.nextFloat() < 0.95 ? 1 : 0, 100 + root, CATEGORY_NAMES[root % CATEGORY_NAMES.length],
        level === 1 ? 0 : 100 + root, level === 1 ? 'UNKNOWN' : CATEGORY_NAMES[root % CATEGORY_NAMES.length], level === 1 ? 'root' : 'leaf'].join(',') + '\n';
    }
  }
  return s;
}

const RAW_USER_HEADER = ['user_id', 'user_active_degree', 'is_lowactive_period', 'gender', 'age_range', 'is_live_author',
  'is_photo_author', 'follow_user_num', 'follow_user_num_range', 'fans_user_num', 'fans_user_num_range', 'friend_user_num',
  'friend_user_num_range', 'phone_brand', 'phone_model', 'mod_price', 'fre_country', 'fre_country_region', 'fre_province',
  'fre_city', 'fre_city_level', 'fre_community_type', 'register_days', 'register_days_range', 'is_install_douyin',
  'is_install_huoshan', 'is_install_xigua', 'is_install_douyu', 'is_install_huya', 'is_install_yy', 'platform', 'os_version',
  'app_download_channel', 'app_version', 'app_major_version', 'app_minor_version', 'isp'];

const AGE_RANGES = ['12-17', '18-23', '24-30', '31-40', '41-49', '50+', 'UNKNOWN'];
const PHONES: Array<[string, string, number]> = [['HUAWEI', 'HUAWEI P30', 3988], ['OPPO', 'OPPO R17', 2499], ['vivo', 'vivo X27', 2598],
  ['Xiaomi', 'Redmi Note 8', 999], ['Apple', 'iPhone 11', 5499], ['HONOR', 'HONOR 20', 1999]];
const PLACES: Array<[string, string, string, string]> = [['华东', '江苏', '南京', '二线城市'], ['华北', '河北', '石家庄', '三线城市'],
  ['华南', '广东', '深圳', '一线城市'], ['西南', '四川', '绵阳', '四线城市'], ['华中', '河南', '洛阳', '三线城市']];
const COMMUNITIES = ['城市', '县城', '乡镇', 'UNKNOWN'];
const ISPS = ['CMCC', 'CUCC', 'CTCC', 'UNKNOWN'];
const CHANNELS = ['huawei_store', 'oppo_store', 'vivo_store', 'xiaomi_store', 'app_store', 'UNKNOWN'];

/** user_features_raw.csv: the raw profile behind user_features.csv (shared columns agree with it). */
export function rawUserFeaturesCsv(users: UserRow[], seed: number): string {
  let s = RAW_USER_HEADER.join(',') + '\n';
  for (const u of users) {
    const r = new Rng(seed, 'raw-user', u.id);
    const [brand, model, price] = PHONES[r.nextInt(PHONES.length)];
    const [region, province, city, level] = PLACES[r.nextInt(PLACES.length)];
    const ios = brand === 'Apple';
    const major = 8 + r.nextInt(2);
    const minor = r.nextInt(10);
    const flags = userFlags(seed, u.id);
    s += [
      u.id, DEGREE_NAMES[u.degree], flags.lowActive, ['M', 'F', 'UNKNOWN'][r.nextInt(3)], AGE_RANGES[r.nextInt(AGE_RANGES.length)],
      flags.liveStreamer, flags.videoAuthor,
      u.follow, csvQuote(followRange(u.follow)), u.fans, csvQuote(fansRange(u.fans)), u.friend, csvQuote(friendRange(u.friend)),
      brand, model, price, '中国', region, province, city, level, COMMUNITIES[r.nextInt(COMMUNITIES.length)],
      u.register, registerRange(u.register),
      ...Array.from({ length: 6 }, () => (r.nextFloat() < 0.3 ? 1 : 0)),
      ios ? 'IPHONE' : 'ANDROID', ios ? `iOS ${13 + r.nextInt(2)}` : `Android ${8 + r.nextInt(3)}`,
      ios ? 'app_store' : CHANNELS[r.nextInt(CHANNELS.length)], `${major}.${minor}.${r.nextInt(40)}`, major, minor, ISPS[r.nextInt(ISPS.length)],
    ].join(',') + '\n';
  }
  return s;
}

/** KuaiRec 2.0/Statistics_KuaiRec.ipynb: a valid notebook that says what it stands in for. */
export function statisticsNotebook(): string {
  const notebook = {
    cells: [{
      cell_type: 'markdown', metadata: {},
      source: ['# Statistics of KuaiRec (simulated archive)\n', '\n',
        'Written by causeway synth in place of the real archive\'s statistics notebook; the data beside it is simulated.\n'],
    }],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4, nbformat_minor: 5,
  };
  return JSON.stringify(notebook, null, 1) + '\n';
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** KuaiRec 2.0/figs/KuaiRec.png: a valid 64×16 grey PNG standing in for the README figure. */
export function figurePng(): Buffer {
  const width = 64;
  const height = 16;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = (x * 4) & 0xff;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** KuaiRec 2.0/figs/colab-badge.svg */
export const COLAB_BADGE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="117" height="20"><rect width="117" height="20" rx="3" fill="#555"/>'
  + '<text x="8" y="14" fill="#fff" font-family="Verdana" font-size="11">Open in Colab</text></svg>\n';
