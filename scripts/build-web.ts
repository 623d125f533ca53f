/**
 * npm run build:web [-- --out <folder>]
 *
 * Builds the browser folder (default dist-web/): the page API (trm-edge.js), the web components
 * (trm-components.js), the solver's module worker, the demo page, tfjs-backend-wasm's binaries and
 * the shipped models; copy it to any static host. Prints each file's size and what each use loads,
 * raw and gzipped. Fails (exit 1) when a Node built-in reaches a bundle or the solver's JS is over
 * 150 KB gzipped. Exit 2 on bad options.
 */
import { resolve } from 'node:path';
import { parseOptions, runCli } from './lib/cli.js';
import { buildWeb } from './lib/web-bundle.js';

const USAGE = `usage: npm run build:web [-- --out <folder>]

  --out <folder>  where the static folder goes (default: dist-web)`;

async function main(): Promise<void> {
  const o = parseOptions({ options: { out: { type: 'string' }, help: { type: 'boolean', default: false } } }).values;
  if (o.help) return void console.log(USAGE);
  const { out, files, loads } = await buildWeb(resolve(o.out ?? 'dist-web'));
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  console.log(`built ${out}`);
  for (const f of files) console.log(`  ${f.file.padEnd(28)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)} gzip`);
  console.log('what each use loads:');
  for (const l of loads) console.log(`  ${l.name.padEnd(46)} ${kb(l.raw).padStart(10)} ${kb(l.gzip).padStart(10)} gzip`);
}

runCli('build:web', USAGE, main);
