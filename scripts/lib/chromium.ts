/**
 * Headless Chromium for the browser tests and the bench, driven by playwright-core (which downloads
 * no browser): the system's Chromium (Debian's `chromium` package; .ci/run installs it), or the one
 * CHROMIUM_PATH names. A missing browser is an error that says how to install it, never a skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// The real binary first: Debian's /usr/bin/chromium wrapper adds flags and prints shell noise.
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p));
  if (!path || !existsSync(path))
    throw new Error(
      `Chromium not found (${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : CANDIDATES.join(', ')}): install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return path;
}

export const launchChromium = (args: string[] = []): Promise<Browser> => chromium.launch({ executablePath: chromiumPath(), args });
