/**
 * Vega-Lite charts for the notebooks, as SVG. tslab loads modules with require(), and Vega's ESM
 * graph has a top-level await, which require() cannot load; behind this dynamic import it can.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricLine } from './run-dir.js';

export const svgOf = async (spec: TopLevelSpec): Promise<string> => (await import('./training-chart.js')).renderSvg(spec);

/** A run's training curves (`npm run plot`'s chart) from its metrics lines. */
export async function trainingCurvesSvg(metrics: MetricLine[], title: string): Promise<string> {
  const { renderSvg, trainingChartSpec } = await import('./training-chart.js');
  return renderSvg(trainingChartSpec(metrics, title));
}
