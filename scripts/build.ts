/**
 * npm run build [-- --pack [--out <folder>]]
 *
 * Builds the npm package in dist/: model/ compiled with its declarations (tsconfig.build.json), the
 * shipped model packages under weights/, and a package.json made from this repository's: the
 * same name, version and runtime dependencies, an `exports` map per runtime, and nothing of the
 * repository's own tooling (its Node binary, CLI and charting packages are devDependencies or
 * optional here). With --pack, runs `npm pack` on it and prints the tarball's path and sizes.
 * Publish with `npm publish dist`. Exit 0 when built, 2 on bad options, 1 on failure.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MODELS } from '../model/catalog.js';
import { parseOptions, runCli } from './lib/cli.js';

const USAGE = `usage: npm run build [-- --pack [--out <folder>]]

  --pack          also run npm pack on dist/ and print the tarball's size
  --out <folder>  where the tarball goes (default: the project folder)`;

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const run = promisify(execFile);

const entry = (path: string) => ({ types: `./${path}.d.ts`, default: `./${path}.js` });

/**
 * What a consumer may import: the root per runtime (bundlers for pages set `browser`), the runtimes by
 * name, the web components, the subpaths, the model files.
 */
const EXPORTS = {
  '.': { workerd: entry('runtime/workerd'), browser: entry('runtime/browser'), node: entry('runtime/node'), default: entry('index') },
  './node': entry('runtime/node'),
  './workerd': entry('runtime/workerd'),
  './browser': entry('runtime/browser'),
  './components': entry('runtime/components/index'),
  ...Object.fromEntries(['core', 'tasks', 'checkpoint', 'pack', 'data', 'train'].map((s) => [`./${s}`, entry(s === 'core' ? 'core' : `${s}/index`)])),
  './weights/*': './weights/*',
  './package.json': './package.json',
};

async function main(): Promise<void> {
  const o = parseOptions({ options: { pack: { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', default: false } } }).values;
  if (o.help) return void console.log(USAGE);
  await rm(DIST, { recursive: true, force: true });
  await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  for (const m of MODELS) await cp(join(ROOT, 'model/weights', m.path), join(DIST, 'weights', m.path), { recursive: true });
  for (const doc of ['README.md', 'CHANGELOG.md']) await cp(join(ROOT, doc), join(DIST, doc));

  const repo = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const manifest = {
    name: repo.name,
    version: repo.version,
    description: repo.description,
    keywords: ['tiny-recursive-model', 'trm', 'tensorflowjs', 'wasm', 'sudoku', 'maze', 'arc-agi', 'cloudflare-workers'],
    license: repo.license,
    type: 'module',
    engines: repo.engines,
    exports: EXPORTS,
    types: './index.d.ts',
    files: ['**/*.js', '**/*.d.ts', 'weights/', 'CHANGELOG.md'],
    dependencies: repo.dependencies,
  };
  await writeFile(join(DIST, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`built ${DIST}: ${Object.keys(EXPORTS).length} entry points, ${MODELS.length} models (${MODELS.map((m) => m.id).join(', ')})`);
  if (!o.pack) return;

  const out = resolve(o.out ?? ROOT);
  await mkdir(out, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out], { cwd: DIST });
  const [info] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number }[];
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`packed ${join(out, info!.filename)}: ${mb(info!.size)} (${mb(info!.unpackedSize)} unpacked, ${info!.entryCount} files)`);
}

runCli('build', USAGE, main);
