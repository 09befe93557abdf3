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
