/**
 * npm run notebooks [-- --check [--out <folder>] | --run <name> | --full]
 *
 * Prepares the notebooks (notebooks/*.ipynb, TypeScript on the tslab kernel) and opens Jupyter on
 * them. The kernel (tslab, in notebooks/'s own package: its TypeScript 5.0 fork would shadow the
 * project's tsc) runs on the project's Node 22; the notebooks import model/ and scripts/lib/
 * compiled to ESM in notebooks/.build (tslab cannot load .ts from an ESM package); the kernel spec
 * is written to .jupyter/ (found through JUPYTER_PATH, nothing global).
 *
 *   --check        execute every notebook headless in SMOKE mode (TRM_SMOKE=1) into --out (default a temp
 *                  folder); exit 1 naming the first that fails and what its failing cell printed (a type
 *                  error in a cell fails it too)
 *   --full         execute them at full size and save the outputs in place (what is committed)
 *   --run <name>   only the notebooks whose file name starts with <name> (with --check or --full)
 *
 * Needs Jupyter's nbconvert (Debian: apt-get install jupyter-nbconvert jupyter-client python3-nbclient)
 * and, to open them, a notebook server (apt-get install jupyter-notebook, or pip install notebook).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run notebooks [-- --check [--out <folder>] | --full] [--run <name>]

  (no option)    build, then open Jupyter on notebooks/
  --check        execute every notebook in SMOKE mode, headless, into --out (default: a temporary folder)
  --full         execute every notebook at full size and save the outputs in place
  --run <name>   only the notebooks whose file name starts with <name>`;

const ROOT = resolve(import.meta.dirname, '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const JUPYTER_PATH = join(ROOT, '.jupyter');
const KERNEL = 'trm-edge';
const run = promisify(execFile);

/** The kernel's packages, the compiled project, and the kernel spec. */
async function prepare(): Promise<void> {
  if (!existsSync(join(NOTEBOOKS, 'node_modules/tslab'))) {
    console.log('notebooks: installing the tslab kernel (notebooks/package-lock.json)');
    await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: NOTEBOOKS });
  }
  await run(join(ROOT, 'node_modules/typescript/bin/tsc'), ['-p', join(ROOT, 'tsconfig.notebooks.json')], { cwd: ROOT });
  // The compiled catalog finds the shipped models beside itself, as in the package.
  const weights = join(NOTEBOOKS, '.build/model/weights');
  if (!existsSync(weights)) await symlink('../../../model/weights', weights);
  const spec = {
    argv: [join(ROOT, 'node_modules/.bin/node'), join(NOTEBOOKS, 'node_modules/tslab/bin/tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (trm-edge)',
    language: 'typescript',
  };
  await mkdir(join(JUPYTER_PATH, 'kernels', KERNEL), { recursive: true });
  await writeFile(join(JUPYTER_PATH, 'kernels', KERNEL, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
}

function jupyter(): string {
  const found = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (found.status !== 0)
    throw new UsageError('Jupyter nbconvert is missing: apt-get install jupyter-nbconvert jupyter-client python3-nbclient (Debian), or pip install nbconvert nbclient');
  return 'jupyter';
}

/** nbconvert's arguments to execute notebook `name` on the project's kernel, without a time limit. */
const nbconvert = (name: string, ...options: string[]) => [
  'nbconvert',
  '--to',
  'notebook',
  '--execute',
  `--ExecutePreprocessor.kernel_name=${KERNEL}`,
  '--ExecutePreprocessor.timeout=-1',
  ...options,
  name,
];

interface Notebook {
  cells: { cell_type: string; source: string[]; outputs?: { output_type: string; name?: string; text?: string[]; evalue?: string }[] }[];
}

async function execute(names: string[], full: boolean, out: string): Promise<void> {
  const env = { ...process.env, JUPYTER_PATH, TRM_SMOKE: full ? '0' : '1' };
  for (const name of names) {
    const started = performance.now();
    const result = spawnSync(jupyter(), nbconvert(name, ...(full ? ['--inplace'] : ['--output-dir', out])), { cwd: NOTEBOOKS, env, encoding: 'utf8' });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    if (result.status !== 0) {
      console.error(result.stderr.split('\n').slice(-40).join('\n'));
      console.error(await cellErrors(name, env));
      throw new Error(`notebooks: ${name} failed (${full ? 'full' : 'SMOKE'} mode, ${seconds} s)`);
    }
    console.log(`notebooks: ${name} ran in ${seconds} s (${full ? 'full, outputs saved' : `SMOKE → ${join(out, name)}`})`);
  }
}

/**
 * What the failing cell printed: tslab reports a thrown error or a type error on the cell's stderr and leaves the
 * error output nbconvert shows empty, so the notebook runs once more, errors allowed, into a scratch folder.
 */
async function cellErrors(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'trm-notebook-error-'));
  try {
    spawnSync('jupyter', nbconvert(name, '--allow-errors', '--output-dir', scratch), { cwd: NOTEBOOKS, env, encoding: 'utf8' });
    const code = (JSON.parse(await readFile(join(scratch, name), 'utf8')) as Notebook).cells.filter((c) => c.cell_type === 'code');
    for (const [i, cell] of code.entries()) {
      const errors = (cell.outputs ?? []).filter((o) => o.output_type === 'error' || o.name === 'stderr');
      const text = errors
        .map((o) => o.text?.join('') ?? o.evalue ?? '')
        .join('')
        .trim();
      if (text) return `notebooks: ${name}, code cell ${i + 1} (${cell.source.join('').split('\n')[0]}):\n${text.split('\n').slice(0, 12).join('\n')}`;
    }
    return `notebooks: ${name}: no cell printed an error when run again`;
  } catch (e) {
    return `notebooks: ${name}: could not run it again to show the error (${(e as Error).message})`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseOptions({
    options: {
      check: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      run: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }).values;
  if (o.help) return void console.log(USAGE);
  if (o.check && o.full) throw new UsageError('--check and --full exclude each other');
  if ((o.out || o.run) && !o.check && !o.full) throw new UsageError('--out and --run go with --check or --full');
  await prepare();
  if (!o.check && !o.full) {
    console.log(`notebooks: opening Jupyter on ${NOTEBOOKS} (kernel "TypeScript (trm-edge)"; JUPYTER_PATH=${JUPYTER_PATH})`);
    const server = spawn('jupyter', ['notebook', NOTEBOOKS], { stdio: 'inherit', env: { ...process.env, JUPYTER_PATH } });
    server.on('error', () => console.error('notebooks: no Jupyter notebook server: apt-get install jupyter-notebook (Debian), or pip install notebook'));
    return new Promise((done) => server.on('exit', () => done()));
  }
  const names = (await readdir(NOTEBOOKS)).filter((f) => f.endsWith('.ipynb') && f.startsWith(o.run ?? '')).sort();
  if (!names.length) throw new UsageError(`no notebook in notebooks/ starts with ${JSON.stringify(o.run)}`);
  const out = resolve(o.out ?? (await mkdtemp(join(tmpdir(), 'trm-notebooks-'))));
  await mkdir(out, { recursive: true });
  await execute(names, o.full, out);
}

runCli('notebooks', USAGE, main);
