/** The interaction matrix writer: small_matrix.csv and big_matrix.csv, streamed user by user. */
import { Rng } from '../../../rng.js';
import { DayStream, MODEL, simulateDay, type Ctx, type DayOutcome } from './model.js';
import { dayStamp, timeOfDay } from './format.js';

const MATRIX_HEADER = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n';

/**
 * Streams the interaction matrix for users [0, userLimit); records factual state when `record`.
 * Row order is the real small matrix's: by user, each user's rows in time order, then that user's rows
 * with an empty time/date/timestamp (`blankShare` of the rows; the real big matrix has none).
 */
export function* matrixLines(ctx: Ctx, userLimit: number, record: boolean, counts: { rows: number; blank: number }, blankShare: number): Generator<string> {
  yield MATRIX_HEADER;
  const { days, S, fx, videos, users } = ctx;
  const stream = new DayStream();
  const out: DayOutcome = { active: 0, n: 0, A: 0, M: 0, k: 0 };
  let slot = new Uint8Array(256);
  let high = new Uint8Array(256);
  const stamps = Array.from({ length: days }, (_, d) => dayStamp(d));
  for (let u = 0; u < userLimit; u++) {
    const user = users[u];
    const seen = new Uint8Array(videos.categories);
    const seenList: number[] = [];
    let n1 = 0, n2 = 0, n3 = 0, A1 = 0, M1 = 0, act1 = 0;
    let piece = '';
    let undated = '';
    for (let d = 0; d < days; d++) {
      stream.reset(ctx.words, (u * days + d) * 4);
      simulateDay(stream, user, S, fx, n1, n1 + n2 + n3, act1, A1, M1, -1, out, slot, high);
      if (out.n > slot.length) {
        // Scratch too small for this day: grow and replay the same stream.
        slot = new Uint8Array(out.n * 2);
        high = new Uint8Array(out.n * 2);
        stream.reset(ctx.words, (u * days + d) * 4);
        simulateDay(stream, user, S, fx, n1, n1 + n2 + n3, act1, A1, M1, -1, out, slot, high);
      }
      const n = out.n;
      const idx = u * days + d;
      if (record) {
        ctx.n[idx] = n; ctx.A[idx] = out.A; ctx.M[idx] = out.M;
      }
      if (n > 0) {
        // Realization: items, watch ratios, times. Independent stream so the structural draws stay aligned.
        const r = new Rng(ctx.seed, 'events', u, d);
        const blanks = blankShare > 0 ? r.poisson((n * blankShare) / (1 - blankShare)) : 0;
        const total = n + blanks;
        // positions of blank rows among the total
        const isBlank = new Uint8Array(total);
        for (let b = 0; b < blanks; b++) {
          let pos = r.nextInt(total);
          while (isBlank[pos]) pos = (pos + 1) % total;
          isBlank[pos] = 1;
        }
        const dayStartMs = MODEL.firstDayUtcMs + d * 86400_000;
        let tInDay = Math.floor((6 + 13 * r.nextFloat()) * 3600_000);
        const rowsVideo = new Int32Array(total);
        const rowsPlay = new Float64Array(total);
        const rowsTime = new Float64Array(total);
        let ev = 0;
        let forced = 0;
        for (let i = 0; i < total; i++) {
          let v: number;
          let h: number;
          if (isBlank[i]) {
            v = r.nextInt(videos.count);
            h = r.nextFloat() < user.satUser ? 1 : 0;
          } else {
            const disc = slot[ev];
            h = high[ev];
            ev++;
            if (disc) {
              v = videos.longTailIds[r.nextInt(videos.longTailIds.length)];
            } else if (seenList.length === 0) {
              // The user's very first event cannot be in a seen category: measured as new-category.
              const c = r.nextInt(videos.categories);
              const pool = videos.popularByCategory[c];
              v = pool[r.nextInt(pool.length)];
              forced++;
            } else {
              const c = seenList[r.nextInt(seenList.length)];
              const pool = videos.popularByCategory[c];
              v = pool[r.nextInt(pool.length)];
            }
            const c = videos.firstCategory[v];
            if (!seen[c]) { seen[c] = 1; seenList.push(c); }
          }
          const dur = videos.durationMs[v];
          const wr = h ? 0.82 + (-Math.log(1 - r.nextFloat())) * 0.45 : 0.78 * Math.pow(r.nextFloat(), 0.7);
          const play = Math.round(wr * dur);
          rowsVideo[i] = v;
          rowsPlay[i] = play;
          rowsTime[i] = tInDay;
          tInDay += play + Math.round(2000 + 8000 * r.nextFloat());
        }
        // Keep the day inside its calendar date: squeeze offsets if the session ran past 23:59.
        const lastAllowed = 86_399_000;
        const first = rowsTime[0];
        const span = rowsTime[total - 1] - first;
        const scale = rowsTime[total - 1] > lastAllowed ? (lastAllowed - first) / Math.max(1, span) : 1;
        const st = stamps[d];
        for (let i = 0; i < total; i++) {
          const v = rowsVideo[i];
          const dur = videos.durationMs[v];
          const play = rowsPlay[i];
          const wrText = String(play / dur);
          if (isBlank[i]) {
            undated += `${u},${v},${play},${dur},,,,${wrText}\n`;
          } else {
            const msInDay = Math.floor(first + (rowsTime[i] - first) * scale);
            const ts = (dayStartMs + msInDay) / 1000;
            piece += `${u},${v},${play},${dur},${st.iso} ${timeOfDay(msInDay)},${st.date},${ts},${wrText}\n`;
          }
        }
        counts.rows += total;
        counts.blank += blanks;
        if (record) {
          const measuredTreated = (out.k + forced) / n >= 0.5 ? 1 : 0;
          ctx.measuredAgree[idx] = measuredTreated === out.A ? 1 : 0;
        }
      } else if (record) {
        ctx.measuredAgree[idx] = 1;
      }
      n3 = n2; n2 = n1; n1 = n; A1 = out.A; M1 = out.M; act1 = out.active;
      if (piece.length > 1 << 18) { yield piece; piece = ''; }
    }
    piece += undated;
    if (piece) yield piece;
  }
}
