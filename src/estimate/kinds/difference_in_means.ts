/** Difference in means: treated minus control mean, CR1 SE; naive associations and design readiness. */
import { designReadiness, naiveAssociations } from '../diagnostics.js';
import { nameA, requireArms } from '../frame-helpers.js';
import { mapRows } from '../linalg.js';
import { slopeSE, userSums, weightedSums } from '../linear-fits.js';
import { ATE } from './estimands.js';
import type { EstimatorKind } from './kind.js';

const LABEL = 'Difference in means (unadjusted)';

export const differenceInMeans: EstimatorKind = {
  kind: 'difference_in_means',
  summary: 'Treated minus control mean; CR1 SE; naive associations for every outcome; design readiness.',
  options: {},
  estimands: [ATE],
  secondaryOutcomes: true,
  adjusted: false,
  headlineRank: 2,
  nuisances: () => [],
  replicatesHoldNuisances: () => false,
  label: () => LABEL,
  labelFromResult: () => LABEL,
  point(frame, _opts, _ctx, env) {
    const { n1, n0 } = requireArms(frame);
    let s1 = 0, s0 = 0;
    for (let i = 0; i < frame.n; i++) if (frame.A[i] === 1) s1 += frame.Y[i]; else s0 += frame.Y[i];
    const m1 = s1 / n1, m0 = s0 / n0;
    const { se } = slopeSE([frame.A], [nameA(frame)], frame.Y, frame, null);
    return {
      estimates: { ate: m1 - m0 },
      se: { ate: se ? se[0] : null },
      controlMean: m0,
      diagnostics: env.light ? {} : { treated_mean: m1, control_mean: m0, treated_rows: n1, control_rows: n0, naive_associations: naiveAssociations(frame), readiness: designReadiness(frame) },
      warnings: [],
    };
  },
  fast(frame, _opts, _ctx, env) {
    const ui = env.users();
    const A0 = mapRows(frame.n, (i) => 1 - frame.A[i]);
    const sums = userSums(ui, [frame.A, mapRows(frame.n, (i) => frame.Y[i] * frame.A[i]), A0, mapRows(frame.n, (i) => frame.Y[i] * A0[i])]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 4, mult);
      return { ate: s[1] / s[0] - s[3] / s[2] };
    };
  },
};
