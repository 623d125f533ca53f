/** Timing helpers for the benchmark: repeated runs after a warm-up, median/min/max/p95, memory. */
import * as tf from '@tensorflow/tfjs-core';

export interface Stats {
  median: number;
  min: number;
  max: number;
  p95: number;
  runs: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, p95: at(0.95), runs: s.length };
}

/** Milliseconds of `runs` calls of `fn` after `warmup` untimed ones. */
export async function time(fn: () => Promise<void> | void, runs: number, warmup = 1): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

/** Peak resident set (MB) of this process so far, and the wasm heap (MB) when the wasm backend is active. */
export function memory(): { peakRssMb: number; wasmHeapMb: number | null } {
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }) : null;
  const heap = backend?.wasm?.HEAPU8?.byteLength;
  return { peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), wasmHeapMb: heap ? Math.round(heap / 2 ** 20) : null };
}

export const gflops = (flop: number, ms: number) => flop / ms / 1e6;
