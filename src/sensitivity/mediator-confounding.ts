/**
 * Sensitivity of the natural indirect effect to an unmeasured mediator–outcome confounder U (one that
 * affects M and Y but is not caused by A; treatment is taken as unconfounded given X).
 *
 * Bias formula (VanderWeele 2010, "Bias formulas for sensitivity analysis for direct and indirect
 * effects", Epidemiology; the binary-U case without A×U interaction): with
 *   γ = effect of U on Y given A, M, X   (outcome units), and
 *   δ = P(U = 1 | A = 1, M, X) − P(U = 1 | A = 0, M, X)   (prevalence difference, −1..1),
 * the natural direct effect is biased by δ·γ and, because such a U leaves the total effect unbiased, the
 * indirect effect by −δ·γ:  NDE_adj = NDE − δγ,  NIE_adj = NIE + δγ.  We sweep U's strength in the
 * direction that moves the NIE towards zero, i.e. NIE_adj = NIE − sign(NIE)·δ·γ, over δ ∈ deltas and
 * γ ∈ gammas × SD(Y), and report the breakdown point: the product δ·γ (in outcome units and in SD(Y))
 * that brings the NIE to zero, and the one that brings its CI limit nearest zero to zero.
 */

export interface MediatorConfoundingCell {
  delta: number;
  /** γ in outcome units */
  gamma: number;
  /** γ / SD(Y) */
  gammaSd: number;
  bias: number;
  nieAdjusted: number;
  ciAdjusted: [number, number] | null;
  /** the adjusted NIE has the opposite sign of (or equals) zero */
  explainedAway: boolean;
  /** the adjusted CI contains zero */
  ciIncludesZero: boolean | null;
}

export interface MediatorConfoundingSweep {
  estimator: string;
  estimand: string;
  nie: number;
  ci: [number, number] | null;
  sdOutcome: number;
  grid: MediatorConfoundingCell[];
  breakdown: {
    /** |δ·γ| that makes the NIE zero (= |NIE|), in outcome units and in SD(Y) */
    bias: number;
    biasSd: number;
    /** |δ·γ| that brings the CI limit nearest zero to zero (0 when the CI already contains zero) */
    ciBias: number | null;
    ciBiasSd: number | null;
    /** for each δ, the γ (in SD(Y)) needed to explain the NIE away; null when above 1 SD per unit δ is impossible */
    gammaSdAtDelta: Array<{ delta: number; gammaSd: number }>;
  };
  note: string;
}

export const DEFAULT_DELTAS = [0.1, 0.2, 0.3, 0.5] as const;
export const DEFAULT_GAMMAS_SD = [0.05, 0.1, 0.25, 0.5, 1] as const;

export function mediatorConfoundingSweep(input: {
  estimator: string;
  estimand?: string;
  nie: number;
  ci?: [number, number] | null;
  sdOutcome: number;
  deltas?: readonly number[];
  gammasSd?: readonly number[];
}): MediatorConfoundingSweep {
  const { nie, sdOutcome } = input;
  const ci = input.ci ?? null;
  const sign = nie >= 0 ? 1 : -1;
  const deltas = input.deltas ?? DEFAULT_DELTAS;
  const gammasSd = input.gammasSd ?? DEFAULT_GAMMAS_SD;
  const grid: MediatorConfoundingCell[] = [];
  for (const delta of deltas) {
    for (const gSd of gammasSd) {
      const gamma = gSd * sdOutcome;
      const bias = sign * delta * gamma;
      const adjusted = nie - bias;
      const ciAdjusted: [number, number] | null = ci ? [ci[0] - bias, ci[1] - bias] : null;
      grid.push({
        delta,
        gamma,
        gammaSd: gSd,
        bias,
        nieAdjusted: adjusted,
        ciAdjusted,
        explainedAway: sign * adjusted <= 0,
        ciIncludesZero: ciAdjusted ? ciAdjusted[0] <= 0 && ciAdjusted[1] >= 0 : null,
      });
    }
  }
  const bias = Math.abs(nie);
  let ciBias: number | null = null;
  if (ci) ciBias = ci[0] <= 0 && ci[1] >= 0 ? 0 : Math.min(Math.abs(ci[0]), Math.abs(ci[1]));
  return {
    estimator: input.estimator,
    estimand: input.estimand ?? 'nie',
    nie,
    ci,
    sdOutcome,
    grid,
    breakdown: {
      bias,
      biasSd: bias / sdOutcome,
      ciBias,
      ciBiasSd: ciBias === null ? null : ciBias / sdOutcome,
      gammaSdAtDelta: deltas.map((delta) => ({ delta, gammaSd: bias / (delta * sdOutcome) })),
    },
    note:
      'Unmeasured U affecting M and Y (not caused by A): NIE_adj = NIE − δ·γ with δ the treated-minus-control prevalence of U given M, X and γ the effect of U on Y (VanderWeele 2010); swept towards zero.',
  };
}
