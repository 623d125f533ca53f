/**
 * Training throughput: one optimizer step of the official recipe, in this process (what `--workers 1`
 * runs) and data-parallel over 1 and N worker threads. The speed-up compares the threaded rows, which
 * differ only in the thread count; the in-process row shares this process's wasm heap with whatever
 * the bench ran before it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrmConfig } from '../../model/index.js';
import { flopsPerTrainStep } from '../../model/cost.js';
import type { DataSource } from '../../model/data/source.js';
import { initWeights } from '../../model/train/init.js';
import { validateHyper } from '../../model/train/hyper.js';
import { createTrainer } from '../../model/train/trainer.js';
import { workerReplicas } from '../../model/runtime/node-replicas.js';
import { weightTensors } from '../../model/weights.js';
import { gflops, memory, time, type Stats } from './measure.js';

export interface TrainingRow {
  model: string;
  workers: number;
  /** Replicas in worker threads; false: the trainer computes in this process. */
  threads: boolean;
  batch: number;
  msPerStep: Stats;
  /** Sample-steps per second (every slot of the batch does one supervision step per optimizer step). */
  samplesPerSecond: number;
  gflops: number;
  peakRssMb: number;
}

/** Random tokens labelled with themselves: the cost of a step does not depend on the data. */
function syntheticSource(config: TrmConfig): DataSource {
  let n = 0;
  return {
    description: 'synthetic',
    next: (count) =>
      Array.from({ length: count }, () => {
        const tokens = Int32Array.from({ length: config.seq_len }, (_, i) => 1 + ((i * 7 + n++) % (config.vocab_size - 1)));
        return { tokens, labels: tokens, id: 0 };
      }),
    state: () => n,
    restore: (s) => void (n = s as number),
  };
}

export async function benchTraining(name: string, config: TrmConfig, batch: number, workers: number, threads: boolean, runs: number): Promise<TrainingRow> {
  const weights = initWeights(config, 1);
  const trainer = await createTrainer({
    config,
    weights,
    hyper: validateHyper({ global_batch_size: batch, lr_warmup_steps: 1, seed: 1 }),
    source: syntheticSource(config),
    ...(threads ? { replicas: workerReplicas(workers) } : {}),
  });
  tf.dispose(weightTensors(weights));
  const ms = await time(async () => void (await trainer.trainStep()), runs, 1);
  await trainer.dispose();
  return {
    model: name,
    workers,
    threads,
    batch,
    msPerStep: ms,
    samplesPerSecond: (batch / ms.median) * 1000,
    gflops: gflops(flopsPerTrainStep(config) * batch, ms.median),
    peakRssMb: memory().peakRssMb,
  };
}
