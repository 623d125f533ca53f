/**
 * AdamATan2 (spec §5.5; the fixture's CPU port of imoneoi/adam-atan2): Adam without ε, the
 * division replaced by atan2, decoupled weight decay on every parameter.
 *   θ ← θ·(1 − η·λ);  m ← lerp(m, g, 1 − β1);  v ← lerp(v, g², 1 − β2)
 *   θ ← θ − η/(1 − β1^t) · atan2(m, √v / √(1 − β2^t)),   atan2(0, 0) = 0
 * Scale invariant: multiplying the loss by c > 0 changes nothing.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamAtan2Options {
  beta1: number;
  beta2: number;
  weightDecay: number;
}

export interface AdamAtan2 {
  /** Steps taken (t of the last update). */
  readonly t: number;
  /** One update of every parameter that has a gradient, at learning rate `lr`. */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  /** Moments by parameter name, for checkpoints. */
  moments(): Map<string, { m: tf.Tensor; v: tf.Tensor }>;
  restore(t: number, moments: ReadonlyMap<string, { m: Float32Array; v: Float32Array }>): void;
  dispose(): void;
}

/** atan2 with atan2(0, 0) = 0 made explicit (CUDA gives 0; not every backend promises it). */
function safeAtan2(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const bothZero = tf.logicalAnd(tf.equal(a, 0), tf.equal(b, 0));
  return tf.where(bothZero, tf.zerosLike(a), tf.atan2(a, b));
}

/** torch.lerp(start, end, w) for w < 0.5: start + w·(end − start). */
const lerp = (start: tf.Tensor, end: tf.Tensor, w: number) => tf.add(start, tf.mul(tf.sub(end, start), w));

export function createAdamAtan2(params: ReadonlyMap<string, tf.Variable>, options: AdamAtan2Options): AdamAtan2 {
  const { beta1, beta2, weightDecay } = options;
  const state = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  for (const [name, p] of params) state.set(name, { m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) });
  let t = 0;

  return {
    get t() {
      return t;
    },
    step(grads, lr) {
      t += 1;
      const stepSize = lr / (1 - beta1 ** t); // scalars in double, as the reference
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      tf.tidy(() => {
        for (const [name, p] of params) {
          const g = grads.get(name);
          if (!g) continue;
          const s = state.get(name)!;
          const m = lerp(s.m, g, 1 - beta1);
          const v = lerp(s.v, tf.mul(g, g), 1 - beta2);
          const decayed = tf.mul(p, 1 - lr * weightDecay);
          p.assign(tf.sub(decayed, tf.mul(safeAtan2(m, tf.div(tf.sqrt(v), bc2Sqrt)), stepSize)));
          s.m.assign(m);
          s.v.assign(v);
        }
      });
    },
    moments: () => new Map([...state].map(([name, s]) => [name, { m: s.m as tf.Tensor, v: s.v as tf.Tensor }])),
    restore(step, moments) {
      t = step;
      for (const [name, s] of state) {
        const saved = moments.get(name);
        if (!saved) throw new Error(`optimizer state has no moments for ${name}`);
        s.m.assign(tf.tensor(saved.m, s.m.shape));
        s.v.assign(tf.tensor(saved.v, s.v.shape));
      }
    },
    dispose() {
      for (const s of state.values()) tf.dispose([s.m, s.v]);
    },
  };
}
