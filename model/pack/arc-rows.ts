/**
 * Keeps only the puzzle-embedding rows of chosen ARC tasks (their original and every augmented
 * version, by the official identifier names), so an ARC package stays a few MB instead of ~1.8 GB.
 * Row 0 (the blank identifier) is always kept. The package then records the names of its rows.
 */
import type { TrmConfig } from '../config.js';
import { TrmError } from '../errors.js';
import { parseArcName } from '../tasks/arc.js';

export interface RowSelection {
  /** Old row index of each kept row, in order (0 first). */
  rows: number[];
  /** Names of the kept rows: the package's identifiers. */
  identifiers: string[];
}

export function selectArcRows(identifiers: readonly string[], tasks: ReadonlySet<string>): RowSelection {
  const rows = [0];
  for (let i = 1; i < identifiers.length; i++) if (tasks.has(parseArcName(identifiers[i]!).task)) rows.push(i);
  const found = new Set(rows.slice(1).map((r) => parseArcName(identifiers[r]!).task));
  const unknown = [...tasks].filter((t) => !found.has(t));
  if (unknown.length)
    throw new TrmError(
      'invalid_tasks',
      `no puzzle rows for task(s) ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} in identifiers.json`,
      ['tasks'],
    );
  return { rows, identifiers: rows.map((r) => identifiers[r]!) };
}

/** The table rows `rows` of a row-major [N, ndim] table, and the config with the new row count. */
export function takeRows(table: Float32Array, ndim: number, rows: readonly number[], config: TrmConfig): { table: Float32Array; config: TrmConfig } {
  const out = new Float32Array(rows.length * ndim);
  rows.forEach((r, i) => out.set(table.subarray(r * ndim, (r + 1) * ndim), i * ndim));
  return { table: out, config: { ...config, num_puzzle_identifiers: rows.length } };
}
