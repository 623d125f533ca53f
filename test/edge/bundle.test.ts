import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

describe('wrangler deploy --dry-run', () => {
  it('bundles the worker offline within the Workers size limit, and reports its size', async () => {
    const out = mkdtempSync(join(tmpdir(), 'trm-bundle-'));
    try {
      const { stdout } = await promisify(execFile)('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], { cwd: ROOT });
      const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
      expect(m, stdout).not.toBeNull();
      const files = readdirSync(out).map((f) => `${f} ${statSync(join(out, f)).size.toLocaleString('en')} B`);
      console.log(`worker bundle: ${m![1]} KiB (gzip ${m![2]} KiB): ${files.join(', ')}`);
      expect(Number(m![1])).toBeLessThan(64 * 1024); // the 64 MiB Worker size limit
      expect(stdout).toMatch(/env\.ASSETS\s+Assets/);
      expect(readdirSync(out).some((f) => f.endsWith('.wasm'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
