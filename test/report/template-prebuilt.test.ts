import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportModel } from '../../src/report/model.js';
import { defaultTemplateDir, defaultTemplatePrecompiled, PREBUILT_TEMPLATE, renderTemplate, templateSourcesHash, type RenderedFigure } from '../../src/report/template.js';
import { exampleResults } from './fixture.js';
import { scratchDir } from '../scratch.js';

test('the build precompiles the default report template, and the hash that ties it to its files covers every partial', (t) => {
  if (!existsSync(fileURLToPath(new URL(`../../src/report/${PREBUILT_TEMPLATE}`, import.meta.url)))) {
    t.skip('no precompiled template in dist/ (built by tsc alone, without scripts/postbuild.mjs)');
    return;
  }
  assert.ok(defaultTemplatePrecompiled(), 'scripts/postbuild.mjs wrote a current dist/src/report/default-template.generated.cjs');
  const base = templateSourcesHash('main', { a: 'x', b: 'y' });
  assert.notEqual(templateSourcesHash('main', { a: 'x', b: 'z' }), base);
  assert.notEqual(templateSourcesHash('main', { a: 'x' }), base);
  assert.notEqual(templateSourcesHash('main!', { a: 'x', b: 'y' }), base);
});

test('the precompiled default template renders the same report.md as the same files compiled at run time', () => {
  // a copy of the default template and its partials as a custom template: compiled here, at run time
  const dir = scratchDir('template-prebuilt');
  const from = defaultTemplateDir();
  mkdirSync(join(dir, 'partials'));
  copyFileSync(join(from, 'report.md.hbs'), join(dir, 'report.md.hbs'));
  for (const name of readdirSync(join(from, 'partials'))) copyFileSync(join(from, 'partials', name), join(dir, 'partials', name));
  const model = buildReportModel(exampleResults());
  const figures: RenderedFigure[] = model.figures.map((f) => ({ file: f.file, path: `figures/${f.file}.png`, alt: `alt for ${f.kind}`, title: f.title }));
  const precompiled = renderTemplate({ model, figures });
  const compiled = renderTemplate({ model, figures, template: { kind: 'file', path: join(dir, 'report.md.hbs') } });
  assert.ok(precompiled.length > 1000);
  assert.equal(precompiled, compiled);
});
