/**
 * Vega-Lite charts for the notebooks, as SVG. tslab loads modules with require(), and Vega's ESM
 * graph has a top-level await, which require() cannot load; behind this dynamic import it can.
 */
import type { TopLevelSpec } from 'vega-lite';

export const svgOf = async (spec: TopLevelSpec): Promise<string> => (await import('./training-chart.js')).renderSvg(spec);
