/**
 * The model blueprint (docs/seeds.md §002): every model step of every primary-outcome estimator the cell
 * ran — what it models, on which features, with which learner, fitted how and weighted how — and the
 * effect step with its estimates and how their intervals were computed. Built from the resolved estimator
 * entries and models table (run/compile.ts) and each estimator's own result, never from fixed text: a
 * changed model, option or interval method changes the table.
 */
import { kindInfo } from '../estimate/kinds/index.js';
import { usesCrossfitForm } from '../estimate/runner.js';
import type { AnalysisFrame, EstimatorResult, EstimatorSpec, ModelSpec } from '../estimate/types.js';
import type { ModelBlueprintStep } from '../results/index.js';

type Step = Omit<ModelBlueprintStep, 'estimator' | 'kind' | 'fitting' | 'interval'> & { fitting?: string };

interface Names { A: string; M: string; Y: string; X: string }

function optionText(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** A model reference as `name (kind; option value, …)`; an inline model or a bare kind as itself. */
function learnerText(ref: unknown, fallback: string, models: Record<string, ModelSpec>): string {
  const spec = typeof ref === 'object' && ref !== null ? (ref as ModelSpec) : models[typeof ref === 'string' ? ref : fallback];
  const name = typeof ref === 'string' ? ref : typeof ref === 'object' && ref !== null ? '' : fallback;
  if (!spec) return name;
  const options = Object.entries(spec).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${optionText(v)}`);
  const body = `${spec.kind}${options.length ? `; ${options.join(', ')}` : ''}`;
  return name && name !== spec.kind ? `${name} (${body})` : options.length ? body : spec.kind;
}

/** The weighting of a propensity-weighted entry from its options (and the cap its result reports). */
function ipwText(opts: EstimatorSpec, result: EstimatorResult | undefined): string {
  const parts = [opts.stabilize === false ? 'unstabilized' : 'stabilized'];
  if (Array.isArray(opts.clip)) parts.push(`propensity clipped to [${opts.clip.join(', ')}]`);
  const cap = result?.diagnostics.weight_cap;
  if (typeof opts.cap_quantile === 'number') parts.push(`capped at their q${opts.cap_quantile}${typeof cap === 'number' ? ` (${Number(cap.toPrecision(4))})` : ''}`);
  else if (typeof opts.cap === 'number') parts.push(`capped at ${opts.cap}`);
  return `inverse propensity, ${parts.join(', ')}`;
}

function scoreWeights(opts: EstimatorSpec): string {
  return `inverse propensity in the score${Array.isArray(opts.clip) ? `, propensity clipped to [${opts.clip.join(', ')}]` : ''}`;
}

/** The model steps of one entry, by kind; a kind not listed here gets one row per nuisance it declares. */
function modelSteps(spec: EstimatorSpec, n: Names, models: Record<string, ModelSpec>, result: EstimatorResult | undefined): { steps: Step[]; effectWeights: string } {
  const propensity = (features = n.X): Step => ({ step: 'propensity model', target: `P(${n.A} = 1)`, features, learner: learnerText(spec.propensity, 'logistic', models), weights: 'none' });
  const outcome = (features: string, ref: unknown = spec.outcome, step = 'outcome model'): Step => ({ step, target: n.Y, features, learner: learnerText(ref, 'linear', models), weights: 'none' });
  switch (spec.kind) {
    case 'difference_in_means':
      return { steps: [], effectWeights: 'none' };
    case 'regression_adjustment':
      return { steps: [outcome(n.X, spec.outcome, 'outcome model, per arm')], effectWeights: 'none' };
    case 'gcomp':
      return { steps: [outcome(`${n.A} + ${n.X}`)], effectWeights: 'none' };
    case 'ipw':
      return { steps: [propensity()], effectWeights: ipwText(spec, result) };
    case 'msm': {
      const w = spec.weights;
      if (w === 'unweighted' || w === 'none') return { steps: [], effectWeights: 'none' };
      if (w === 'unclipped') return { steps: [propensity()], effectWeights: 'inverse propensity, unclipped and uncapped' };
      if (typeof w === 'object' && w !== null && 'clip' in w) return { steps: [propensity()], effectWeights: `inverse propensity, capped at ${(w as { clip: unknown }).clip}` };
      return { steps: [propensity()], effectWeights: ipwText(spec, result) };
    }
    case 'aipw':
    case 'aipw_means':
      return { steps: [propensity(), outcome(`${n.A} + ${n.X}`)], effectWeights: scoreWeights(spec) };
    case 'sem_path': {
      const weighted = spec.weights !== 'none';
      const w = weighted ? ipwText(spec, result) : 'none';
      const path = (step: string, target: string, features: string): Step => ({ step, target, features, learner: 'linear (least squares)', weights: w });
      return {
        steps: [
          ...(weighted ? [propensity()] : []),
          path('mediator path regression (α)', n.M, `${n.A} + ${n.X}`),
          path('outcome path regression (β, c′)', n.Y, `${n.A} + ${n.M} + ${n.X}`),
          path('total-effect regression', n.Y, `${n.A} + ${n.X}`),
        ],
        effectWeights: w,
      };
    }
    case 'mediation': {
      const interaction = spec.interaction !== false;
      const debiased = spec.method === 'debiased' || spec.method === 'both';
      const weighted = spec.weights === 'ipw';
      const w = weighted ? ipwText(spec, result) : 'none';
      const clip = Array.isArray(spec.mediator_clip) ? `; predictions clipped to [${spec.mediator_clip.join(', ')}]` : '';
      const steps: Step[] = [
        ...(debiased || weighted ? [propensity()] : []),
        ...(debiased ? [propensity(`${n.M} + ${n.X}`)] : []),
        { step: 'mediator model', target: n.M, features: `${n.A} + ${n.X}`, learner: learnerText(spec.mediator_model, 'linear', models) + clip, weights: w },
        { ...outcome(`${n.A} + ${n.M}${interaction ? ` + ${n.A}×${n.M}` : ''} + ${n.X}`, spec.outcome_model), weights: w },
        ...(debiased ? [outcome(`${n.A} + ${n.X}`, spec.outcome_model, 'outcome model without the mediator (ν)'), { ...outcome(`${n.X}, on ${n.A} = 0 rows`, spec.outcome_model, 'nested regression (ω)'), target: `outcome model's prediction at ${n.A} = 1` }] : []),
      ];
      return { steps, effectWeights: debiased ? `${w === 'none' ? '' : `${w}; `}${scoreWeights(spec)} (debiased estimates)` : w };
    }
    default: {
      const info = kindInfo(spec.kind);
      const steps = info.nuisances(spec).map((role): Step =>
        role === 'propensity' ? propensity()
          : role === 'mediator' ? { step: 'mediator model', target: n.M, features: `${n.A} + ${n.X}`, learner: learnerText(spec.mediator_model, 'linear', models), weights: 'none' }
            : outcome(`${n.A} + ${n.X}`, spec.outcome ?? spec.outcome_model));
      return { steps, effectWeights: 'see the estimator' };
    }
  }
}

/** How the entry's intervals were computed, read from its result. */
function intervalText(result: EstimatorResult | undefined): string {
  if (!result || result.status !== 'ok') return `none (${result ? 'failed' : 'not run'})`;
  const d = result.diagnostics;
  const withCi = Object.entries(result.estimates).filter(([, v]) => v.ci).map(([k]) => k);
  if (!withCi.length) return 'none (point estimates only)';
  const parts: string[] = [];
  const interval = d.interval as { method?: string; estimates?: string[]; level?: number } | undefined;
  const level = (x: number | undefined) => (typeof x === 'number' ? `, level ${x}` : '');
  if (interval?.method === 'influence_function') parts.push(`influence function clustered by user${level(interval.level)} (${(interval.estimates ?? []).join(', ')})`);
  const boot = d.bootstrap as { reps?: number; level?: number; method?: string; nuisance?: string } | undefined;
  if (boot?.reps) parts.push(`user-cluster bootstrap, ${boot.reps} replicates, ${boot.method ?? 'percentile'}${level(boot.level)}${boot.nuisance === 'held_fixed' ? ', nuisance fits held fixed' : ''}`);
  if (!parts.length) parts.push(`analytic (${withCi.join(', ')})`);
  return parts.join('; ');
}

/** The blueprint rows of the primary-outcome estimators, in the spec's order. */
export function modelBlueprint(estimators: readonly EstimatorSpec[], models: Record<string, ModelSpec>, frame: AnalysisFrame, results: readonly EstimatorResult[]): ModelBlueprintStep[] {
  const defs = frame.definitions;
  const n: Names = { A: defs.treatment.name, M: defs.mediator ?? 'M', Y: defs.outcome, X: `X (${frame.X.cols} columns)` };
  const out: ModelBlueprintStep[] = [];
  estimators.forEach((spec, k) => {
    const result = results[k]?.id === spec.id ? results[k] : results.find((r) => r.id === spec.id);
    const crossfitted = usesCrossfitForm(spec, models) || spec.method === 'debiased' || spec.method === 'both';
    const cf = spec.crossfit as { folds?: number; repeats?: number } | true | undefined;
    const folds = typeof cf === 'object' && cf.folds ? cf.folds : 3;
    const repeats = typeof cf === 'object' && cf.repeats && cf.repeats > 1 ? `, ${cf.repeats} repeats` : '';
    const fitting = crossfitted ? `cross-fitted, ${folds} folds by user${repeats}` : 'full sample';
    const { steps, effectWeights } = modelSteps(spec, n, models, result);
    for (const s of steps) out.push({ estimator: spec.id, kind: spec.kind, ...s, fitting: s.fitting ?? fitting, interval: '' });
    const estimates = result && result.status === 'ok' ? Object.keys(result.estimates) : ['no estimate'];
    out.push({
      estimator: spec.id,
      kind: spec.kind,
      step: 'effect',
      target: estimates.join(', '),
      features: steps.length ? 'the models above' : n.A,
      learner: kindInfo(spec.kind).label(spec, models),
      fitting,
      weights: effectWeights,
      interval: intervalText(result),
    });
  });
  return out;
}
