/**
 * EMA of the trainable parameters (official models/ema.py, spec §5.8): the shadow starts as a copy,
 * and after every optimizer step shadow ← (1 − μ)·θ + μ·shadow, with no bias correction. The EMA
 * weights (plus live buffers) are what is evaluated and exported.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Ema {
  readonly shadow: ReadonlyMap<string, tf.Variable>;
  update(): void;
  dispose(): void;
}

export function createEma(params: ReadonlyMap<string, tf.Variable>, rate: number): Ema {
  const shadow = new Map([...params].map(([name, p]) => [name, tf.variable(p.clone(), false)]));
  return {
    shadow,
    update() {
      tf.tidy(() => {
        for (const [name, p] of params) {
          const s = shadow.get(name)!;
          s.assign(tf.add(tf.mul(p, 1 - rate), tf.mul(s, rate)));
        }
      });
    },
    dispose: () => tf.dispose([...shadow.values()]),
  };
}
