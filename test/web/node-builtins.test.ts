/** The browser build's guard: a Node built-in that reaches a bundle is found (and fails `npm run build:web`). */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nodeBuiltinsIn } from '../../scripts/lib/web-bundle.js';
import { ROOT } from '../helpers/paths.js';

const bundle = async (contents: string) => {
  const { metafile } = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['node:*'],
  });
  return nodeBuiltinsIn(metafile);
};

describe('nodeBuiltinsIn', () => {
  it('finds a node: import that a browser bundle kept', async () => {
    expect(await bundle("import { readFile } from 'node:fs/promises'; console.log(readFile);")).toEqual(['node:fs/promises (imported by entry.js)']);
  });

  it('passes code without Node built-ins, and dependencies whose browser field disables theirs', async () => {
    expect(await bundle("import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-wasm'; console.log(tf.version_core);")).toEqual([]);
  });
});
