// Writes test/golden/estimands_frame.csv: the golden fixture's analysis frame (covariate matrix X, treatment
// A, mediator M, outcome Y, user) as causeway builds it (checked against pandas by golden.test.ts "frame matches
// pandas"), the data the R peer make_estimands.R computes the estimand golden values on.
// Run after `npm run build`:  node test/golden/export_estimands_frame.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { goldenFrame } = await import(new URL('../../dist/test/golden/fixture.js', import.meta.url).href);
const frame = goldenFrame();
const cols = Array.from({ length: frame.X.cols }, (_, j) => frame.X.data.subarray(j * frame.n, (j + 1) * frame.n));
const header = ['user', 'A', 'M', 'Y', ...frame.X.names.map((_, j) => `x${j + 1}`)];
const lines = [header.join(',')];
for (let i = 0; i < frame.n; i++) lines.push([frame.cluster[i], frame.A[i], frame.M[i], frame.Y[i], ...cols.map((c) => c[i])].map((v) => String(v)).join(','));
writeFileSync(`${here}estimands_frame.csv`, lines.join('\n') + '\n');
process.stdout.write(`wrote ${frame.n} rows, ${frame.X.cols} covariates (${frame.X.names.join(', ')})\n`);
