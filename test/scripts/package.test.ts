import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackageFolder } from '../../scripts/lib/package.js';
import { checkReportModel, type EvalReport } from '../../scripts/lib/eval-report.js';
import { ROOT } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SUDOKU = join(ROOT, 'model/weights/sudoku');

describe("a package folder's card", () => {
  it("reads a package's metadata, and refuses a damaged model.json with its path", async () => {
    const { meta } = await readPackageFolder(SUDOKU);
    expect(meta.task).toBe('sudoku');
    const damaged = join(scratch, 'damaged');
    cpSync(SUDOKU, damaged, { recursive: true });
    writeFileSync(join(damaged, 'model.json'), '{"modelTopology":');
    await expect(readPackageFolder(damaged)).rejects.toThrow(`${damaged}/model.json: not JSON (`);
    writeFileSync(join(damaged, 'model.json'), 'null');
    await expect(readPackageFolder(damaged)).rejects.toThrow(`${damaged}/model.json: not a trm-edge package`);
  });

  it('takes evaluations of its own model only: a report whose config differs is refused', async () => {
    const { config } = (await readPackageFolder(SUDOKU)).meta;
    const report: EvalReport = { model: 'other/model', halt: 'never', results: [], config: { ...config } };
    expect(() => checkReportModel('own.json', report, config)).not.toThrow();
    expect(() => checkReportModel('old.json', { ...report, config: undefined }, config)).not.toThrow(); // a report from before configs were recorded
    expect(() => checkReportModel('other.json', { ...report, config: { ...config, hidden_size: config.hidden_size * 2, H_cycles: 9 } }, config)).toThrow(
      `--evals other.json: a report of other/model, another model than this one (hidden_size ${config.hidden_size * 2} vs ${config.hidden_size}, H_cycles 9 vs ${config.H_cycles})`,
    );
  });
});
