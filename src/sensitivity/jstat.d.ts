/** The part of jstat (npm, no bundled types) that causeway calls: src/sensitivity/distributions.ts. */
declare module 'jstat' {
  const jstat: { jStat: { normal: { cdf(x: number, mean: number, sd: number): number } } };
  export default jstat;
}
