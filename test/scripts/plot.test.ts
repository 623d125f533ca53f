import * as vega from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { MetricLine } from '../../scripts/lib/run-dir.js';
import { renderSvg, trainingChartSpec } from '../../scripts/lib/training-chart.js';

/** Odd steps: 4 examples halted, all exact (token 0.9, 3 steps); even steps: none halted (the trainer logs 0s). */
const trainLines = (n: number): MetricLine[] =>
  Array.from({ length: n }, (_, i) => {
    const halted = i % 2 === 1;
    return {
      type: 'train',
      time: '',
      step: i + 1,
      lmLoss: 2 - i / n,
      qHaltLoss: 0.1,
      count: halted ? 4 : 0,
      accuracy: halted ? 0.9 : 0,
      exactAccuracy: halted ? 1 : 0,
      steps: halted ? 3 : 0,
      examples: 4,
    } as MetricLine;
  });
const evalLine = (step: number, exact: number): MetricLine =>
  ({ type: 'eval', time: '', step, data: 'generated Sudoku (seed 99, 64)', count: 64, exactAccuracy: exact, tokenAccuracy: 0.95 }) as MetricLine;

/** The rows Vega plots, by series name ('train exact', 'held-out token', ...; 'steps' for the halting panel). */
async function plotted(metrics: MetricLine[]) {
  const compiled = compile(trainingChartSpec(metrics, 'test')).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await view.runAsync();
  // A series can pass through several derived datasets: keep the last, the one its mark draws.
  const series = new Map<string, Record<string, number | string>[]>();
  for (const d of compiled.data ?? []) {
    const rows = view.data(d.name) as Record<string, number | string>[];
    const names = new Set(rows.flatMap((r) => (typeof r.series === 'string' ? [r.series] : [])));
    for (const name of names)
      series.set(
        name,
        rows.filter((r) => r.series === name),
      );
    if (rows.some((r) => 'stepSum' in r && typeof r.steps === 'number')) series.set('steps', rows);
  }
  view.finalize();
  return series;
}

describe('training curves', () => {
  it('weights training accuracy and halting steps by the examples that halted, so steps where none halted do not drag them down', async () => {
    const s = await plotted(trainLines(1000));
    expect(s.get('train exact')!.length).toBeGreaterThan(50);
    expect(new Set(s.get('train exact')!.map((r) => r.value))).toEqual(new Set([1]));
    for (const r of s.get('train token')!) expect(r.value).toBeCloseTo(0.9, 12);
    expect(new Set(s.get('steps')!.map((r) => r.steps))).toEqual(new Set([3]));
    // The loss panel is a plain mean per bin: it falls from 2 towards 1 across the run.
    const lm = s.get('LM loss (stablemax CE)')!.map((r) => r.value as number);
    expect(lm[0]).toBeGreaterThan(1.95);
    expect(lm.at(-1)).toBeLessThan(1.05);
  });

  it('averages a long run into at most 150 points per curve and draws held-out evaluations at their steps', async () => {
    const s = await plotted([...trainLines(20_000), evalLine(500, 0.25), evalLine(1000, 0.5)]);
    for (const name of ['train exact', 'train token', 'LM loss (stablemax CE)', 'halt loss (BCE)']) expect(s.get(name)!.length).toBeLessThanOrEqual(150);
    expect(s.get('held-out exact')!.map((r) => [r.bin, r.value])).toEqual([
      [500, 0.25],
      [1000, 0.5],
    ]);
    expect(s.get('held-out token')!.map((r) => r.value)).toEqual([0.95, 0.95]);
  });

  it('renders an SVG with its three panels, the step count and the held-out set', async () => {
    const svg = await renderSvg(trainingChartSpec([...trainLines(300), evalLine(200, 0.5)], 'Training run tiny (sudoku)'));
    expect(svg).toMatch(/^<svg /);
    for (const text of [
      'Training run tiny (sudoku)',
      '300 steps · held out: generated Sudoku (seed 99, 64)',
      'Loss (mean per bin)',
      'Exact and token accuracy',
      'Supervision steps used (halted examples)',
      'held-out exact',
    ]) {
      expect(svg).toContain(text);
    }
    expect(svg.length).toBeLessThan(100_000);
  });

  it('names the steps after which the training data changed (curriculum phases) in the subtitle', () => {
    expect(trainingChartSpec(trainLines(3000), 'phases', [1000, 2500]).title).toEqual({ text: 'phases', subtitle: '3,000 steps · new training data after step 1,000, 2,500' });
  });

  it('refuses a run with no training steps yet', () => {
    expect(() => trainingChartSpec([evalLine(100, 0)], 'empty run')).toThrow('empty run: metrics.jsonl has no training steps to plot');
  });
});
