/**
 * The browser build: esbuild bundles the page API, the web components, the solver's module worker
 * and the demo page into one flat folder with tfjs-backend-wasm's binaries and the shipped model
 * packages, so it can be copied to any static host (and is what `npm start` serves). Every module
 * finds its neighbours relative to its own URL: the worker, the .wasm files and weights/<model>/.
 */
import { builtinModules } from 'node:module';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { MODELS } from '../../model/catalog.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WASM_DIR = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** The solver's JavaScript (the worker and what it imports) may not exceed this, gzipped. */
export const SOLVER_GZIP_LIMIT = 150_000;

const ENTRIES = {
  'trm-edge': 'model/runtime/browser.ts',
  'trm-components': 'model/runtime/components/index.ts',
  'browser-worker': 'model/runtime/browser-worker.ts',
  demo: 'worker/web/demo.ts',
};
const STATIC = ['index.html', 'demo.css', 'examples.json'];

interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface WebBuild {
  out: string;
  files: FileSize[];
  /** What each way of using the build downloads: its JS (an entry and the chunks it imports statically), wasm and models. */
  loads: { name: string; files: string[]; raw: number; gzip: number }[];
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Node built-ins that reached the bundle: imports esbuild left external or resolved to a built-in.
 * (Dependencies' `browser` fields map their guarded Node imports to empty modules; those are fine.)
 */
export function nodeBuiltinsIn(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const i of imports) {
      if (i.path.startsWith('<define:')) continue; // a `define` value esbuild injects, not a module
      if (i.external || NODE_BUILTINS.has(i.path)) found.add(`${i.path} (imported by ${input})`);
    }
  }
  return [...found];
}

const gzipSize = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;

/** An output's file and the chunks it imports statically (and with `dynamic`, also through import()), transitively. */
function closure(metafile: Metafile, outBase: string, file: string, dynamic = false): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of metafile.outputs[f]?.imports ?? []) if (i.kind === 'import-statement' || (dynamic && i.kind === 'dynamic-import')) visit(i.path);
  };
  visit(join(outBase, file));
  return [...seen].map((f) => f.slice(outBase.length + 1));
}

/** Builds the folder; throws when a Node built-in reaches a bundle or the solver's JS outgrows its budget. */
export async function buildWeb(outDir: string): Promise<WebBuild> {
  const out = resolve(outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const common = { bundle: true, platform: 'browser', target: 'es2022', minify: true, metafile: true, logLevel: 'silent', absWorkingDir: ROOT } as const;
  const main = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(ROOT, path)])),
    format: 'esm',
    splitting: true,
    outdir: out,
    chunkNames: 'chunk-[hash]',
  });
  for (const f of STATIC) await copyFile(join(ROOT, 'worker/web', f), join(out, f));
  for (const f of WASM_FILES) await copyFile(join(WASM_DIR, f), join(out, f));
  const models: string[] = [];
  for (const m of MODELS) {
    const json = JSON.parse(await readFile(join(ROOT, 'model/weights', m.path, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    await mkdir(join(out, 'weights', m.path), { recursive: true });
    for (const f of ['model.json', ...json.weightsManifest.flatMap((g) => g.paths)]) {
      await cp(join(ROOT, 'model/weights', m.path, f), join(out, 'weights', m.path, f));
      models.push(`weights/${m.path}/${f}`);
    }
  }

  // The service worker stays a classic script (module service workers are newer); it precaches a whole visit.
  const outBase = Object.keys(main.metafile.outputs)[0]!.split('/').slice(0, -1).join('/');
  const precache = ['./', ...STATIC, ...Object.keys(main.metafile.outputs).map((f) => f.slice(outBase.length + 1)), 'tfjs-backend-wasm-simd.wasm', ...models];
  const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
  const sw = await build({
    ...common,
    entryPoints: [join(ROOT, 'worker/web/sw.ts')],
    format: 'iife',
    outfile: join(out, 'sw.js'),
    define: { __PRECACHE__: JSON.stringify(precache), __CACHE__: JSON.stringify(`trm-edge-demo-${version}`) },
  });
  const leaks = [...nodeBuiltinsIn(main.metafile), ...nodeBuiltinsIn(sw.metafile)];
  if (leaks.length) throw new Error(`a Node built-in reached the browser bundle: ${leaks.join('; ')}`);
  // Declarations for the two public entries, re-exported from their compiled tree.
  await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/tsc'),
    ['-p', join(ROOT, 'tsconfig.web.json'), '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', join(out, 'types')],
    { cwd: ROOT },
  );
  await writeFile(join(out, 'trm-edge.d.ts'), "export * from './types/model/runtime/browser.js';\n");
  await writeFile(join(out, 'trm-components.d.ts'), "export * from './types/model/runtime/components/index.js';\n");

  const sizes = new Map<string, FileSize>();
  const size = async (file: string) => {
    const known = sizes.get(file);
    if (known) return known;
    const bytes = await readFile(join(out, file));
    const s = { file, raw: bytes.length, gzip: gzipSize(bytes) };
    sizes.set(file, s);
    return s;
  };
  const js = (entry: string, dynamic = false) => closure(main.metafile, outBase, `${entry}.js`, dynamic);
  const model = (id: string) => MODELS.find((m) => m.id === id)!.path;
  const weights = async (id: string) => (await readdir(join(out, 'weights', model(id)))).map((f) => `weights/${model(id)}/${f}`);
  const groups: [string, string[]][] = [
    ['solver JS (the module worker)', js('browser-worker')],
    ['components JS (the page; the solver in a worker)', js('trm-components')],
    ['components JS with the solver on the main thread', js('trm-components', true)],
    ['page API, trm-edge.js (its static imports)', js('trm-edge')],
    ['wasm (SIMD, the one Chromium loads)', ['tfjs-backend-wasm-simd.wasm']],
    ['sudoku model', await weights('sudoku')],
    ['maze model', await weights('maze')],
    ['ARC model', await weights('arc')],
  ];
  const loads = [];
  for (const [name, files] of groups) {
    const s = await Promise.all(files.map(size));
    loads.push({ name, files, raw: s.reduce((n, f) => n + f.raw, 0), gzip: s.reduce((n, f) => n + f.gzip, 0) });
  }
  const solver = loads[0]!;
  if (solver.gzip > SOLVER_GZIP_LIMIT) throw new Error(`the solver's JS is ${solver.gzip} bytes gzipped, over the ${SOLVER_GZIP_LIMIT} budget`);
  const files = await Promise.all([...Object.keys(main.metafile.outputs), 'sw.js'].map((f) => size(f.startsWith(outBase) ? f.slice(outBase.length + 1) : f)));
  return { out, files, loads };
}
