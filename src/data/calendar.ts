/** Calendar days as YYYYMMDD numbers (the KuaiRec `date` column) and as day numbers since 1970-01-01. */
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a YYYYMMDD number (NaN when not a valid date). */
export function yyyymmddToDay(value: number): number {
  if (!(value > 0)) return NaN;
  const year = Math.floor(value / 10000);
  const month = Math.floor((value % 10000) / 100);
  const day = value % 100;
  if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function dayToYyyymmdd(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Weekday names in pandas' order (`Series.dt.dayofweek`: Monday = 0), the levels of `day_of_week`. */
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/**
 * The panel's built-in `day_of_week` column (pandas `dt.day_name()`), from the YYYYMMDD `date` column:
 * a category with the seven weekday names as levels, missing where the date is not a calendar day.
 */
export function dayOfWeekColumn(dates: ArrayLike<number>): { codes: Int32Array; levels: string[] } {
  const codes = new Int32Array(dates.length);
  for (let i = 0; i < dates.length; i++) {
    const day = yyyymmddToDay(dates[i]);
    // 1970-01-01 (day 0) was a Thursday (index 3 with Monday = 0)
    codes[i] = Number.isNaN(day) ? -1 : (((day + 3) % 7) + 7) % 7;
  }
  return { codes, levels: [...DAY_NAMES] };
}
