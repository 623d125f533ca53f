/** A weighted mixture of data sources: each example comes from source i with probability ∝ weight_i. */
import { createRng, type RngState } from '../rng.js';
import type { DataSource } from './source.js';

export function mixSources(parts: readonly { source: DataSource; weight: number }[], seed: number): DataSource {
  if (parts.length === 1) return parts[0]!.source;
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (!(total > 0) || parts.some((p) => !(p.weight >= 0))) throw new RangeError('mixture weights must be non-negative with a positive sum');
  let rng = createRng(seed);
  const pick = () => {
    let r = rng.next() * total;
    for (const p of parts) if ((r -= p.weight) < 0) return p.source;
    return parts[parts.length - 1]!.source;
  };
  return {
    description: parts.map((p) => `${((100 * p.weight) / total).toFixed(0)}% ${p.source.description}`).join(' + '),
    next: (count) => Array.from({ length: count }, () => pick().next(1)[0]!),
    state: () => ({ rng: rng.state(), parts: parts.map((p) => p.source.state()) }),
    restore(s) {
      const st = s as { rng: RngState; parts: unknown[] };
      rng = createRng(st.rng);
      parts.forEach((p, i) => p.source.restore(st.parts[i]));
    },
  };
}
