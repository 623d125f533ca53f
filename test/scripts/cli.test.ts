import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputFile, decimal, fileProblem, integer, readOptionFile } from '../../scripts/lib/cli.js';
import { isHeapExhausted } from '../../model/errors.js';
import { TrmError } from '../../model/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('option values', () => {
  it('reads whole numbers in decimal digits only', () => {
    expect(integer('seed', '0', 0)).toBe(0);
    expect(integer('workers', '12', 1)).toBe(12);
    expect(integer('limit', undefined, 1)).toBeUndefined();
    for (const text of ['', ' ', '1.5', '0x2', '1e3', '-1', '+2', '2 ', '99999999999999999999']) {
      expect(() => integer('workers', text, 0), text).toThrow(`--workers must be an integer ≥ 0, got ${JSON.stringify(text)}`);
    }
    expect(() => integer('tries', '0', 1)).toThrow('--tries must be an integer ≥ 1, got "0"');
  });

  it('reads decimal numbers, exponents included, and refuses what Number() would misread', () => {
    expect([decimal('lr', '1e-4'), decimal('lr', '0.003'), decimal('max-minutes', '.5'), decimal('max-minutes', '2')]).toEqual([1e-4, 0.003, 0.5, 2]);
    for (const text of ['', '0x2', 'Infinity', '-1', '1,5']) expect(() => decimal('lr', text), text).toThrow(`--lr must be a number ≥ 0, got ${JSON.stringify(text)}`);
  });
});

describe('paths', () => {
  it('checks an output file before any work: its folder exists, and it is not a folder', async () => {
    mkdirSync(join(scratch, 'dir'));
    await expect(checkOutputFile('json', join(scratch, 'dir', 'x.json'))).resolves.toBeUndefined();
    await expect(checkOutputFile('json', join(scratch, 'nodir', 'x.json'))).rejects.toThrow(
      `--json ${join(scratch, 'nodir', 'x.json')}: folder ${join(scratch, 'nodir')} does not exist`,
    );
    await expect(checkOutputFile('out', join(scratch, 'dir'))).rejects.toThrow(TrmError);
    await expect(checkOutputFile('out', join(scratch, 'dir'))).rejects.toThrow('is a folder, not a file');
  });

  it('turns a file-system error on a path into a one-line message (exit 2), and leaves other errors as failures', async () => {
    writeFileSync(join(scratch, 'afile'), '');
    const problem = (p: Promise<unknown>) => p.then(() => undefined, fileProblem);
    expect(await problem(readFile(join(scratch, 'none.md')))).toBe(`${join(scratch, 'none.md')}: no such file or folder (open)`);
    expect(await problem(readFile(join(scratch, 'afile', 'x')))).toBe(`${join(scratch, 'afile', 'x')}: a part of the path is a file, not a folder (open)`);
    const { mkdir } = await import('node:fs/promises');
    expect(await problem(mkdir(join(scratch, 'afile', 'sub'), { recursive: true }))).toMatch(
      /afile(\/sub)?: (is a file, not a folder \(mkdir\)|a part of the path is a file, not a folder \(mkdir\))$/,
    );
    expect(fileProblem(new RangeError('bug'))).toBeUndefined();
  });

  it('recognises the wasm heap running out by its trap (exit 2 with the remedy), not other runtime errors', () => {
    // The messages tfjs-backend-wasm gives: a trap when a grown heap is out of reach, emscripten's abort.
    expect(isHeapExhausted(new Error('training worker failed: RuntimeError: memory access out of bounds'))).toBe(true);
    expect(isHeapExhausted(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isHeapExhausted(new Error('index out of bounds'))).toBe(false);
    expect(isHeapExhausted('memory access out of bounds')).toBe(false); // not an Error
  });

  it('reads a file an option names, or says which option named a missing file or a folder', async () => {
    writeFileSync(join(scratch, 'notes.md'), '# notes\n');
    expect(await readOptionFile('notes', join(scratch, 'notes.md'))).toBe('# notes\n');
    await expect(readOptionFile('notes', join(scratch, 'none.md'))).rejects.toThrow(`--notes ${join(scratch, 'none.md')}: no such file or folder`);
    await expect(readOptionFile('notes', scratch)).rejects.toThrow(`--notes ${scratch}: is a folder, not a file`);
  });
});
