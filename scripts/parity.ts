/**
 * npm run parity -- --fixtures <dir> [--backend wasm|cpu] [--json <file>]
 *
 * Compares the TypeScript model with outputs of the official PyTorch code, one row per config and
 * quantity. Exits 1 when any row is past its tolerance, 2 on a usage or input error.
 */
import { writeFile } from 'node:fs/promises';
import { initBackend, type BackendName } from '../model/runtime/node-backend.js';
import { findFixtures, readFixture } from './parity/fixture.js';
import { runParity, type ParityRow } from './parity/run.js';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = 'usage: npm run parity -- --fixtures <dir> [--backend wasm|cpu] [--json <file>]';

async function main(): Promise<number> {
  const { values } = parseOptions({
    options: { fixtures: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, json: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) return (console.log(USAGE), 0);
  if (!values.fixtures) throw new UsageError('--fixtures is required');
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new UsageError('--backend must be wasm or cpu');

  const dirs = await findFixtures(values.fixtures).catch(() => []);
  if (!dirs.length) throw new UsageError(`${values.fixtures}: no fixture folder (a folder with config.json, or a folder of them)`);
  await initBackend(values.backend as BackendName);

  const rows: ParityRow[] = [];
  for (const dir of dirs) rows.push(...(await runParity(await readFixture(dir))));

  const table = rows.map((r) => ({
    config: r.config,
    quantity: r.quantity,
    'max rel err': r.maxRelError === undefined ? '' : r.maxRelError.toExponential(2),
    agreement: r.agreement === undefined ? '' : `${(r.agreement * 100).toFixed(2)}%`,
    bound: r.bound,
    ok: r.pass ? 'ok' : 'FAIL',
  }));
  const widths = Object.keys(table[0]!).map((k) => Math.max(k.length, ...table.map((t) => String(t[k as keyof typeof t]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(Object.keys(table[0]!)));
  for (const t of table) console.log(line(Object.values(t)));

  const failed = rows.filter((r) => !r.pass).length;
  console.log(`\n${rows.length - failed}/${rows.length} checks pass on the ${values.backend} backend${failed ? `; ${failed} FAILED` : ''}`);
  if (values.json) await writeFile(values.json, JSON.stringify({ backend: values.backend, rows }, null, 2));
  return failed ? 1 : 0;
}

runCli('parity', USAGE, main);
