/**
 * Training curves of a run (metrics.jsonl) as an SVG: losses, accuracy (training and held-out) and
 * the supervision steps used, against the optimizer step. A Vega-Lite spec rendered headless by Vega,
 * so the binning and averaging are the library's transforms, not code of ours.
 */
import { basename } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { TrmError } from '../../model/errors.js';
import type { MetricLine, RunSpec } from './run-dir.js';

/** Steps are averaged in at most this many bins: a 10,000-step run stays a small file. */
const MAX_BINS = 150;
const BIN = { bin: { maxbins: MAX_BINS }, field: 'step', as: 'bin' } as const;
const X = { field: 'bin', type: 'quantitative', title: 'optimizer step' } as const;
const PANEL = { width: 300, height: 200 } as const;

/** The SVG of a run's curves, titled with its folder name and task, its data phases named in the subtitle. */
export const runCurvesSvg = (dir: string, spec: RunSpec, metrics: MetricLine[]) =>
  renderSvg(
    trainingChartSpec(
      metrics,
      `Training run ${basename(dir)} (${spec.task})`,
      (spec.phases ?? []).map((p) => p.step),
    ),
  );

/** `phaseSteps`: the steps after which the training data changed (a curriculum). */
export function trainingChartSpec(metrics: MetricLine[], title: string, phaseSteps: number[] = []): TopLevelSpec {
  const train = metrics.filter((m) => m.type === 'train');
  if (!train.length) throw new TrmError('no_metrics', `${title}: metrics.jsonl has no training steps to plot`);
  const evals = metrics.filter((m) => m.type === 'eval');
  const heldOut = [...new Set(evals.map((m) => m.data ?? 'held-out set'))];
  // Training accuracy and halting steps are over the examples that halted in a step (`count` of them):
  // bins weight each step by that count, as the progress bar does.
  const weighted = [
    { calculate: 'datum.exactAccuracy * datum.count', as: 'exactHits' },
    { calculate: 'datum.accuracy * datum.count', as: 'tokenHits' },
    { calculate: 'datum.steps * datum.count', as: 'stepSum' },
    BIN,
    {
      aggregate: [
        { op: 'sum', field: 'exactHits', as: 'exactHits' },
        { op: 'sum', field: 'tokenHits', as: 'tokenHits' },
        { op: 'sum', field: 'stepSum', as: 'stepSum' },
        { op: 'sum', field: 'count', as: 'halted' },
      ],
      groupby: ['bin'],
    },
    { filter: 'datum.halted > 0' },
  ];
  const series = (domain: string[]) => ({ field: 'series', type: 'nominal', title: null, scale: { domain }, legend: { orient: 'bottom', columns: 2, labelLimit: 240 } }) as const;
  const accuracySeries = ['train exact', 'train token', ...(evals.length ? ['held-out exact', 'held-out token'] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `${train.at(-1)!.step.toLocaleString('en')} steps`,
        ...(phaseSteps.length ? [`new training data after step ${phaseSteps.map((s) => s.toLocaleString('en')).join(', ')}`] : []),
        ...(heldOut.length ? [`held out: ${heldOut.join('; ')}`] : []),
      ].join(' · '),
    },
    datasets: { train, evals },
    config: { font: 'sans-serif' },
    resolve: { scale: { color: 'independent' } },
    hconcat: [
      {
        ...PANEL,
        title: 'Loss (mean per bin)',
        data: { name: 'train' },
        transform: [
          BIN,
          {
            aggregate: [
              { op: 'mean', field: 'lmLoss', as: 'LM loss (stablemax CE)' },
              { op: 'mean', field: 'qHaltLoss', as: 'halt loss (BCE)' },
            ],
            groupby: ['bin'],
          },
          { fold: ['LM loss (stablemax CE)', 'halt loss (BCE)'], as: ['series', 'value'] },
        ],
        mark: 'line',
        encoding: { x: X, y: { field: 'value', type: 'quantitative', title: null }, color: series(['LM loss (stablemax CE)', 'halt loss (BCE)']) },
      },
      {
        ...PANEL,
        title: 'Exact and token accuracy',
        layer: [
          {
            data: { name: 'train' },
            transform: [
              ...weighted,
              { calculate: 'datum.exactHits / datum.halted', as: 'train exact' },
              { calculate: 'datum.tokenHits / datum.halted', as: 'train token' },
              { fold: ['train exact', 'train token'], as: ['series', 'value'] },
            ],
            mark: { type: 'line', opacity: 0.8 },
            encoding: { x: X, y: { field: 'value', type: 'quantitative', title: null, axis: { format: '%' }, scale: { domain: [0, 1] } }, color: series(accuracySeries) },
          },
          ...(evals.length
            ? [
                {
                  data: { name: 'evals' },
                  transform: [
                    { calculate: 'datum.step', as: 'bin' },
                    { fold: ['exactAccuracy', 'tokenAccuracy'], as: ['key', 'value'] },
                    { calculate: "datum.key === 'exactAccuracy' ? 'held-out exact' : 'held-out token'", as: 'series' },
                  ],
                  mark: { type: 'line', point: true },
                  encoding: { x: X, y: { field: 'value', type: 'quantitative' }, color: series(accuracySeries) },
                } as const,
              ]
            : []),
        ],
      },
      {
        ...PANEL,
        title: 'Supervision steps used (halted examples)',
        data: { name: 'train' },
        transform: [...weighted, { calculate: 'datum.stepSum / datum.halted', as: 'steps' }],
        mark: 'line',
        encoding: { x: X, y: { field: 'steps', type: 'quantitative', title: null, scale: { zero: true } } },
      },
    ],
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to SVG text without a browser or canvas. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
