/** `wrangler dev` on loopback for the bench and the tests: started, awaited until ready, stopped with its process group. */
import { spawn } from 'node:child_process';

/** `assets`: a static folder built elsewhere (`buildWeb`) instead of wrangler.toml's dist-web, so a run never races a rebuild. */
export async function startWranglerDev(root: string, port: number, assets?: string): Promise<{ stop: () => void }> {
  const args = ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), ...(assets ? ['--assets', assets] : [])];
  const child = spawn('npx', args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('wrangler dev did not become ready in 60 s')), 60_000);
    child.stdout.on('data', (d: Buffer) => /Ready on/.test(d.toString()) && (clearTimeout(timer), resolve()));
    child.on('exit', (code) => reject(new Error(`wrangler dev exited with ${code}`)));
  });
  return { stop: () => process.kill(-child.pid!, 'SIGTERM') };
}
