/** Every test runs on the wasm backend (the path the product ships), initialised once per file. */
import { beforeAll } from 'vitest';
import { initBackend } from '../../model/runtime/node-backend.js';

export function useWasmBackend(): void {
  beforeAll(() => initBackend('wasm'));
}
