/** Epochs over n items: each epoch is a fresh permutation drawn from the caller's RNG; resumable. */
import type { Rng } from '../rng.js';

export interface Epochs {
  /** The next item index (a new permutation starts when the previous one is used up). */
  next(rng: Rng): number;
  state(): { order: number[]; at: number };
  restore(state: { order: number[]; at: number }): void;
}

export function createEpochs(size: number): Epochs {
  let order: number[] = [];
  let at = 0;
  return {
    next(rng) {
      if (at >= order.length) (order = rng.permutation(size)), (at = 0);
      return order[at++]!;
    },
    state: () => ({ order, at }),
    restore(s) {
      order = s.order;
      at = s.at;
    },
  };
}
