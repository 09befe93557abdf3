/** Figure functions: plain data in, { png, svg?, alt } out. */
export { intervalChart, lovePlot, overlapPlot, decompositionChart, importanceChart, specificationCurve } from './charts.js';
export type { IntervalChartData, IntervalRow, LovePlotData, OverlapPlotData, DecompositionData, ImportanceData, SpecCurveData } from './charts.js';
export { mediationDag, type DagData } from './dag.js';
export { renderChart, renderDrawing, ensureChartSetup, FONT_FAMILY, PIXEL_RATIO, type Figure, type FigureOptions } from './render.js';
