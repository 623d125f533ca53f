/** Paths the tests share: the project root and ../shared beside it (data and fixtures). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(ROOT, '../shared');
export const FIXTURES = join(SHARED, 'fixtures/trm-reference');
export const DATA = join(SHARED, 'data');

/** Lines of a text file in ../shared/data, gunzipped when it ends in .gz. */
export function dataLines(relative: string): string[] {
  const raw = readFileSync(join(DATA, relative));
  const text = (relative.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split('\n').filter((l) => l.length > 0);
}
