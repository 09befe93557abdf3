/**
 * report/: renderings of one results value — report.md from Handlebars templates, figures (chart.js on
 * @napi-rs/canvas), CSV tables, the run directory, re-rendering and run comparison.
 */
export * from '../results/index.js';
export { writeRunDirectory, renderReport, readResults, validateResults, runDirectoryFor, type WriteRunOptions, type ManifestInfo, type Manifest, type WrittenRun, type RenderOptions, type FigureFormat } from './writer.js';
export { compareRuns, compareResults, lineDiff, type CompareResult, type CompareJson, type EstimateChange, type CompareOptions } from './compare.js';
export { resolveTemplate, renderTemplate, defaultTemplateDir, type TemplateRef } from './template.js';
export { buildReportModel, primaryCell, estimandInfo, FIGURE_NAMES, type FigureName, type ReportModel } from './model.js';
export { resolveInside, assertSafeSegment, writeFileAtomic } from './files.js';
export { formatNumber, formatInterval, formatPercent, escapeMarkdown, markdownTable, csvTable, zeroVerdict, type ReportTable } from './format.js';
export * as figures from './figures/index.js';
export { labelFromSpec, estimatorLabel, estimatorLabels, axisShortName, axisValueLabel, axisValueLabels } from './labels.js';
export { truthComparison, type TruthComparison, type TruthRow } from './truth.js';
