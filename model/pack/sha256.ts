import { CheckpointError } from '../errors.js';

/**
 * SHA-256 as lowercase hex through Web Crypto (Node 22, workerd and browsers). Browsers give
 * `crypto.subtle` to secure contexts only (https, localhost), so a page on plain HTTP gets a clear error.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle)
    throw new CheckpointError(
      'cannot check the package: Web Crypto (crypto.subtle) is missing here; browsers provide it on secure origins only (https:// or http://localhost), so serve this page over https',
    );
  const digest = await subtle.digest('SHA-256', bytes.slice().buffer as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
