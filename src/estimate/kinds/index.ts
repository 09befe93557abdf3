/**
 * The estimator kinds: this list is the one place a kind is registered (its file is the rest). Everything
 * else that depends on the kind — the spec schema's estimator branch (scripts/gen-estimator-schema.mjs),
 * labels, estimand texts, which kinds run on secondary outcomes, the headline choice — reads it here.
 */
import { CausewayError } from '../../errors.js';
import { aipw } from './aipw.js';
import { aipwMeans } from './aipw_means.js';
import { differenceInMeans } from './difference_in_means.js';
import { gcomp } from './gcomp.js';
import { ipw } from './ipw.js';
import type { EstimandDeclaration, EstimandText, EstimatorKind, Names } from './kind.js';
import { mediation } from './mediation.js';
import { mediationDebiased } from './mediation_debiased.js';
import { msm } from './msm.js';
import { regressionAdjustment } from './regression_adjustment.js';
import { semPath } from './sem_path.js';

/** In this order: the spec schema's branches, and the order estimands are listed in the report. */
const KINDS: readonly EstimatorKind[] = [
  differenceInMeans,
  regressionAdjustment,
  ipw,
  msm,
  gcomp,
  aipw,
  mediation,
  semPath,
  aipwMeans,
  mediationDebiased,
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));

export function allKinds(): readonly EstimatorKind[] {
  return KINDS;
}

/** Kinds a spec may name (internal kinds are reached through another kind's delegate). */
export function specKinds(): EstimatorKind[] {
  return KINDS.filter((k) => !k.internal);
}

/** Every kind name, sorted. */
export function estimatorKinds(): string[] {
  return KINDS.map((k) => k.kind).sort();
}

export function findKind(kind: string): EstimatorKind | undefined {
  return BY_KIND.get(kind);
}

/** The kind's declaration; an unknown kind is an error naming the known ones. */
export function kindInfo(kind: string): EstimatorKind {
  const k = BY_KIND.get(kind);
  if (!k) throw new CausewayError('ESTIMATE_UNKNOWN_KIND', `unknown estimator kind "${kind}" (known: ${estimatorKinds().join(', ')})`);
  return k;
}

function matches(d: EstimandDeclaration, key: string): boolean {
  return typeof d.key === 'string' ? d.key === key : d.key.test(key);
}

/** The declaration of an estimate key: the estimator kind's own when it is known, else the first kind's that declares it. */
export function estimandDeclaration(key: string, kind?: string): EstimandDeclaration | undefined {
  const own = kind ? BY_KIND.get(kind) : undefined;
  if (own) return own.estimands.find((d) => matches(d, key));
  for (const k of KINDS) {
    const d = k.estimands.find((x) => matches(x, key));
    if (d) return d;
  }
  return undefined;
}

/** Whether the report's estimand registry describes this estimate of this kind. */
export function describesEstimand(key: string, kind?: string): boolean {
  return Boolean(estimandDeclaration(key, kind)?.text);
}

/** Registry text of an estimand (the first kind that describes it), or a bare entry for an unknown key. */
export function estimandText(key: string, names: Names): EstimandText {
  for (const k of KINDS) {
    const d = k.estimands.find((x) => x.text && matches(x, key));
    if (d) return d.text!(names, key);
  }
  return { symbol: key, name: key, definition: '—', meaning: '—', answers: '—' };
}

/**
 * Rank of an estimand in the report's lists: the order the kinds declare described estimands in (a family
 * such as cde_q10, cde_q90 shares one rank), each debiased twin right after its plug-in.
 */
export function estimandRank(key: string): number {
  const base = key.replace(/_debiased$/, '');
  let rank = 0;
  const seen = new Set<string>();
  for (const k of KINDS) {
    for (const d of k.estimands) {
      if (!d.text) continue;
      const id = String(d.key);
      if (seen.has(id) || (typeof d.key === 'string' && d.key.endsWith('_debiased'))) continue;
      seen.add(id);
      if (matches(d, base)) return rank * 2 + (base === key ? 0 : 1);
      rank++;
    }
  }
  return 99 * 2 + (base === key ? 0 : 1);
}
