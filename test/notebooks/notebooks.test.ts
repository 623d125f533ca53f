/**
 * The notebooks: executed headless in SMOKE mode on the tslab kernel (`npm run notebooks:check`; a cell
 * that throws or no longer type-checks against the project fails it), with their charts in the cells
 * that draw them; and the committed copies hold a full run's outputs. Jupyter's nbconvert must be
 * installed (.ci/run installs it from Debian): its absence fails, it is not skipped.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

interface Output {
  output_type: string;
  name?: string;
  text?: string[];
  data?: Record<string, string[]>;
}
interface Cell {
  cell_type: string;
  metadata: { tags?: string[] };
  source: string;
  outputs?: Output[];
}
const NOTEBOOKS = join(ROOT, 'notebooks');
const names = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb'));
const cells = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { cells: Cell[] }).cells.filter((c) => c.cell_type === 'code');
const text = (o: Output) => [...(o.text ?? []), ...Object.values(o.data ?? {}).flat()].join('');
const out = mkdtempSync(join(tmpdir(), 'trm-notebooks-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every cell tagged "plot" shows an SVG chart; no cell shows an error. */
function expectCharts(file: string): void {
  const code = cells(file);
  const plots = code.filter((c) => c.metadata.tags?.includes('plot'));
  expect(plots.length, file).toBeGreaterThan(0);
  for (const c of plots)
    expect(
      c.outputs!.some((o) => o.output_type === 'display_data' && /<svg/.test(text(o))),
      `${file}: ${c.source.slice(0, 60)}`,
    ).toBe(true);
  for (const c of code)
    for (const o of c.outputs ?? []) expect(o.output_type === 'error' || (o.name === 'stderr' && /Error/.test(text(o))), `${file}: ${text(o).slice(0, 200)}`).toBe(false);
}

describe('the notebooks', () => {
  it('are all listed', () => {
    expect(names).toEqual(['01-quickstart', '02-train-sudoku', '03-maze', '04-arc', '05-recursion-lab', '06-import-official'].map((n) => `${n}.ipynb`));
  });

  it('execute in SMOKE mode on the tslab kernel with their charts and no errors', async () => {
    await promisify(execFile)('npx', ['tsx', 'scripts/notebooks.ts', '--check', '--out', out], { cwd: ROOT, maxBuffer: 1 << 24 });
    for (const name of names) {
      expectCharts(join(out, name));
      expect(text(cells(join(out, name))[0]!.outputs![0]!)).toMatch(/^size: SMOKE/);
    }
  }, 1_500_000); // about 5 minutes alone; the whole suite shares the 2 cores

  it('are committed with the outputs of a full run', () => {
    for (const name of names) {
      const code = cells(join(NOTEBOOKS, name));
      expect(
        code.every((c) => (c.outputs ?? []).length > 0),
        name,
      ).toBe(true);
      expect(text(code[0]!.outputs![0]!), name).toMatch(/^size: full/);
      expectCharts(join(NOTEBOOKS, name));
    }
  });
});
