/**
 * Small frame helpers of the estimator kinds: arm and mediator checks (design failures, reported),
 * the spec's names for A and M, means, constant columns, designs with leading columns, fit metrics.
 */
import { EstimatorFailure } from './kinds/kind.js';
import { columnsOf, designFromColumns } from './learners.js';
import { finiteOrNull } from './linalg.js';
import type { AnalysisFrame, DesignMatrix } from './types.js';

export function requireArms(frame: AnalysisFrame): { n1: number; n0: number } {
  if (frame.n === 0) throw new EstimatorFailure('the analysis frame is empty');
  let n1 = 0;
  for (let i = 0; i < frame.n; i++) n1 += frame.A[i];
  const n0 = frame.n - n1;
  if (n1 === 0) throw new EstimatorFailure('no treated rows: the treated arm is empty');
  if (n0 === 0) throw new EstimatorFailure('no control rows: the control arm is empty');
  return { n1, n0 };
}

export function requireMediator(frame: AnalysisFrame): Float64Array {
  if (!frame.M) throw new EstimatorFailure('this estimator needs a mediator; the spec defines none');
  const M = frame.M;
  if (M.every((v) => v === M[0])) throw new EstimatorFailure(`the mediator ${nameM(frame)} is constant in the frame: mediated effects are not identified`);
  return M;
}

export function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

export function withFront(front: [string, Float64Array][], X: DesignMatrix, index?: Int32Array): DesignMatrix {
  const names = [...front.map(([n]) => n), ...X.names];
  if (!index) return designFromColumns([...front.map(([, c]) => c), ...columnsOf(X)], names, X.rows);
  // rows gathered straight into the result: one copy of the design, not a row subset and then its copy
  const n = index.length;
  const lead = front.length;
  const data = new Float64Array(n * (lead + X.cols));
  front.forEach(([, c], j) => {
    for (let i = 0; i < n; i++) data[j * n + i] = c[index[i]];
  });
  for (let j = 0; j < X.cols; j++) {
    const src = j * X.rows;
    const out = (lead + j) * n;
    for (let i = 0; i < n; i++) data[out + i] = X.data[src + index[i]];
  }
  return { rows: n, cols: lead + X.cols, data, names };
}

export function regressionMetrics(y: Float64Array, pred: Float64Array) {
  let se = 0, ae = 0, m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  m /= y.length;
  let tss = 0;
  for (let i = 0; i < y.length; i++) {
    se += (y[i] - pred[i]) ** 2;
    ae += Math.abs(y[i] - pred[i]);
    tss += (y[i] - m) ** 2;
  }
  return { rmse: finiteOrNull(Math.sqrt(se / y.length)), mae: finiteOrNull(ae / y.length), r2: finiteOrNull(1 - se / tss) };
}

export function nameA(frame: AnalysisFrame): string {
  return frame.definitions.treatment.name || 'A';
}

export function nameM(frame: AnalysisFrame): string {
  return frame.definitions.mediator ?? 'M';
}

export const constant = (n: number, v: number) => new Float64Array(n).fill(v);
export const ones = (k: number) => new Float64Array(k).fill(1);
