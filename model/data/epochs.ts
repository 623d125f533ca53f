/**
 * Seeded epochs over n items: each epoch is a fresh permutation drawn from the source's RNG, which
 * the source also draws its other choices from. The state is the flat JSON `{ rng, order, at }`
 * that training checkpoints hold; `restore` takes it back.
 */
import { createRng, type Rng, type RngState } from '../rng.js';

export interface EpochsState {
  rng: RngState;
  order: number[];
  at: number;
}

export interface Epochs {
  /** The RNG of the source (a new object after `restore`, so read it per use). */
  readonly rng: Rng;
  /** The next item index (a new permutation starts when the previous one is used up). */
  next(): number;
  state(): EpochsState;
  restore(state: unknown): void;
}

export function createEpochs(size: number, seed: number): Epochs {
  let rng = createRng(seed);
  let order: number[] = [];
  let at = 0;
  return {
    get rng() {
      return rng;
    },
    next() {
      if (at >= order.length) (order = rng.permutation(size)), (at = 0);
      return order[at++]!;
    },
    state: () => ({ rng: rng.state(), order, at }),
    restore(s) {
      const st = s as EpochsState;
      rng = createRng(st.rng);
      order = st.order;
      at = st.at;
    },
  };
}
