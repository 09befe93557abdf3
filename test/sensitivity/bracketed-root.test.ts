// The root finder of the ρ-sensitivity (src/sensitivity/mediation-rho.ts bracketedRoot): known roots to the
// tolerance, fewer evaluations than bisection on smooth functions, and a bracket kept on a jump.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracketedRoot } from '../../src/sensitivity/mediation-rho.js';

function counted(f: (x: number) => number) {
  const g = (x: number) => {
    g.calls++;
    return f(x);
  };
  g.calls = 0;
  return g;
}

test('bracketedRoot finds known roots to the tolerance in fewer evaluations than bisection', () => {
  const cases: Array<{ f: (x: number) => number; a: number; b: number; root: number }> = [
    { f: (x) => Math.cos(x) - x, a: 0, b: 1, root: 0.7390851332151607 },
    { f: (x) => x ** 3 - 2 * x - 5, a: 2, b: 3, root: 2.0945514815423265 },
    { f: (x) => Math.exp(x) - 2, a: -1, b: 1.5, root: Math.LN2 },
    // a root at the bracket's end is returned as it is
    { f: (x) => x - 0.25, a: 0.25, b: 1, root: 0.25 },
  ];
  for (const { f, a, b, root } of cases) {
    const g = counted(f);
    const x = bracketedRoot(g, a, b, f(a), f(b), 1e-10);
    assert.ok(Math.abs(x - root) <= 1e-10, `${f}: ${x} against ${root}`);
    // bisection from a bracket of width (b − a) to 1e-10 needs log2((b − a)/1e-10) evaluations
    assert.ok(g.calls < Math.log2((b - a) / 1e-10) / 2, `${f}: ${g.calls} evaluations`);
  }
});

test('bracketedRoot keeps the bracket where f jumps across zero', () => {
  const g = counted((x) => (x < 0.3 ? -1 : 2));
  const x = bracketedRoot(g, 0, 1, -1, 2, 1e-10);
  assert.ok(Math.abs(x - 0.3) <= 1e-10, String(x));
  assert.ok(g.calls < 100);
});
