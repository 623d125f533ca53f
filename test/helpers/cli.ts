/** Runs one of the project's CLIs (scripts/<name>.ts) as a user does; resolves with its exit code and output, whatever the code. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './paths.js';

const run = promisify(execFile);

export const cli = (script: string, ...args: string[]) =>
  run('npx', ['tsx', `scripts/${script}.ts`, ...args], { cwd: ROOT, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
