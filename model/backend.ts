/** Switching the TF.js backend, with a BackendError that says which and why instead of tf's `false`. */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';

export async function setBackend(name: string): Promise<void> {
  const registered = Object.keys(tf.engine().registryFactory);
  if (!registered.includes(name))
    throw new BackendError(`TF.js backend '${name}' is not registered (registered: ${registered.join(', ')}; a backend registers when its package is imported)`);
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendError(`TF.js backend '${name}' failed to initialise: ${(e as Error).message}`);
  }
  if (!ok) throw new BackendError(`TF.js backend '${name}' is not available on this platform`);
}
