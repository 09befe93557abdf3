/** The estimands the report names: registry text (question section) and the order tables list them in. */

/** Estimand keys the registry and the mediation table describe (an optional _debiased suffix marks the EIF estimator). */
export const KNOWN_ESTIMAND = /^(ate|te|nde|nie|cde_q\d+|alpha|beta|c_prime|indirect|total)(_debiased)?$/;

/** Estimand registry text, with the spec's own names for A, M and Y. */
export function estimandInfo(key: string, names: { A: string; M: string; Y: string }): { symbol: string; name: string; definition: string; meaning: string; answers: string } {
  const deb = /^(.+)_debiased$/.exec(key);
  if (deb) {
    const base = estimandInfo(deb[1]!, names);
    return { ...base, symbol: `${base.symbol} (debiased)`, name: `${base.name}, efficient-influence-function estimator` };
  }
  const { A, M, Y } = names;
  const cde = /^cde_q(\d+)$/.exec(key);
  if (cde) {
    const q = Number(cde[1]);
    return {
      symbol: `CDE(q${q})`,
      name: `controlled direct effect at the ${q}th percentile of the mediator`,
      definition: `E[Y(1, m) − Y(0, m)], m = q${q}(M)`,
      meaning: `Direct contrast in ${Y} if ${M} were fixed at its ${q}th percentile for everyone.`,
      answers: `What is the direct effect of ${A} when ${M} is ${q <= 50 ? 'low' : 'high'}?`,
    };
  }
  switch (key) {
    case 'ate':
      return { symbol: 'ATE', name: 'average treatment effect', definition: 'E[Y(1) − Y(0)]', meaning: `Average difference in ${Y} had every day been ${A} = 1 rather than ${A} = 0.`, answers: `Does ${A} change ${Y} at all?` };
    case 'te':
      return { symbol: 'TE', name: 'total effect', definition: 'E[Y(1, M(1)) − Y(0, M(0))]', meaning: `Overall difference in ${Y} between treated and untreated days, through every pathway.`, answers: `Does ${A} relate to ${Y} at all?` };
    case 'nde':
      return { symbol: 'NDE', name: 'natural direct effect', definition: 'E[Y(1, M(0)) − Y(0, M(0))]', meaning: `Effect of ${A} while ${M} stays at the level it would have had without treatment.`, answers: `How much of the effect bypasses ${M}?` };
    case 'nie':
      return { symbol: 'NIE', name: 'natural indirect effect', definition: 'E[Y(1, M(1)) − Y(1, M(0))]', meaning: `Effect transmitted through the change in ${M} that ${A} causes.`, answers: `How much of the effect flows through ${M}?` };
    case 'alpha':
      return { symbol: 'α', name: 'path A → M', definition: 'M = α·A + γ′X + e', meaning: `Shift in ${M} associated with ${A}, adjusted for X.`, answers: `Does ${A} move ${M}?` };
    case 'beta':
      return { symbol: 'β', name: 'path M → Y', definition: "Y = c′·A + β·M + δ′X + e", meaning: `Change in ${Y} per unit of ${M}, holding ${A} and X fixed.`, answers: `Does ${M} move ${Y}?` };
    case 'c_prime':
      return { symbol: "c′", name: 'direct path A → Y', definition: "Y = c′·A + β·M + δ′X + e", meaning: `Difference in ${Y} by ${A} not carried by ${M} (linear path model).`, answers: `How large is the direct path?` };
    case 'indirect':
      return { symbol: 'α·β', name: 'indirect path', definition: 'α × β', meaning: `Product-of-paths indirect effect through ${M}.`, answers: `How much flows through ${M} in the path model?` };
    case 'total':
      return { symbol: "c′ + α·β", name: 'total path', definition: "c′ + α × β", meaning: `Direct plus indirect path in the linear path model.`, answers: `What is the total effect in the path model?` };
    default:
      return { symbol: key, name: key, definition: '—', meaning: '—', answers: '—' };
  }
}

const ESTIMAND_ORDER = ['ate', 'te', 'nde', 'nie', 'cde', 'alpha', 'beta', 'c_prime', 'indirect', 'total'];
/** Sort rank: registry order, each plug-in key before its _debiased twin. */
export function estimandRank(k: string): number {
  const base = k.replace(/_debiased$/, '');
  const i = ESTIMAND_ORDER.indexOf(base.startsWith('cde_') ? 'cde' : base);
  return (i < 0 ? 99 : i) * 2 + (base === k ? 0 : 1);
}
