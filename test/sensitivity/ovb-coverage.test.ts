// One draw of bench/ovb.ts's coverage study: a strong hidden confounder U (test/support/confounded-frame.ts)
// biases the unadjusted estimates past their intervals, and sensemakr's adjusted interval and the DML
// bounds, evaluated at U's true strength, contain the true effect again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinear } from '../../src/estimate/linear.js';
import { boundsAtTrueStrength, confoundedFrame } from '../support/confounded-frame.js';

const inside = ([lo, hi]: [number, number], v: number) => lo <= v && v <= hi;

test('a strong hidden confounder: the unadjusted intervals miss the truth, the bounds at its true strength contain it', () => {
  const draw = confoundedFrame({ n: 800, seed: 11, gamma: 1, delta: 1 });
  const b = boundsAtTrueStrength(draw);
  assert.ok(b.linear.r2dz > 0.1 && b.linear.r2yz > 0.3, `the confounder is strong: ${JSON.stringify(b.linear)}`);
  assert.ok(!inside(b.linear.naive, draw.tau), `OLS without U ${JSON.stringify(b.linear.naive)} already covers ${draw.tau}`);
  assert.ok(!inside(b.dml.naive, draw.tau), `AIPW without U ${JSON.stringify(b.dml.naive)} already covers ${draw.tau}`);
  assert.ok(inside(b.linear.bound, draw.tau), `sensemakr at the true partial R² ${JSON.stringify(b.linear.bound)}`);
  assert.ok(inside(b.dml.trueRho, draw.tau), `DML bounds at the true Cf and ρ ${JSON.stringify(b.dml.trueRho)}`);
  assert.ok(inside(b.dml.worstCase, draw.tau), `DML bounds at the true Cf, ρ = 1 ${JSON.stringify(b.dml.worstCase)}`);
  // the worst case ρ = 1 is wider than the true ρ's bound
  assert.ok(b.dml.worstCase[1] - b.dml.worstCase[0] > b.dml.trueRho[1] - b.dml.trueRho[0]);
  // at the sample partial R² the sensemakr bias formula is an identity: the adjusted interval is centred on
  // the long regression's (with U) coefficient, which an unbiased OLS puts near τ
  const mid = (b.linear.bound[0] + b.linear.bound[1]) / 2;
  const { frame, U } = draw;
  const long = fitLinear([frame.A, frame.X.data.subarray(0, frame.n), frame.X.data.subarray(frame.n), U], ['A', 'x1', 'x2', 'U'], frame.Y);
  assert.ok(Math.abs(mid - long.coef[1]) < 1e-8, `adjusted estimate ${mid} vs the regression with U ${long.coef[1]}`);
  assert.ok(Math.abs(mid - draw.tau) < 0.2, `adjusted estimate ${mid}`);
});
