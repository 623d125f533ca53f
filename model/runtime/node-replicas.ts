/**
 * Data-parallel training over worker_threads (Node edge): the global batch's slots are split into
 * N contiguous shards, each computed by a worker with its own wasm backend; the trainer sums their
 * gradients in a fixed order and sends every worker the updated parameters after each step, so
 * all replicas hold identical parameters.
 */
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs-core';
import type { ReplicaFactory, ReplicaSet } from '../train/trainer.js';
import type { ReplicaInput, ReplicaOutput } from '../train/replica.js';
import { namedWeights } from '../weights.js';
import type { WorkerInit, WorkerRequest } from './train-worker.js';

// Run from the sources (tsx, tests) the worker is TypeScript; from the built package, JavaScript.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./train-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

/** Slots per worker: as equal as possible, larger shards first. */
export function shardSizes(batch: number, workers: number): number[] {
  if (workers < 1 || workers > batch) throw new RangeError(`cannot split a batch of ${batch} over ${workers} workers`);
  return Array.from({ length: workers }, (_, i) => Math.floor(batch / workers) + (i < batch % workers ? 1 : 0));
}

interface Channel {
  request<T>(msg: WorkerRequest, reply: string, transfer?: ArrayBuffer[]): Promise<T>;
  worker: Worker;
}

function channel(worker: Worker): Channel {
  const waiting: { reply: string; resolve: (v: never) => void; reject: (e: Error) => void }[] = [];
  const fail = (e: Error) => waiting.splice(0).forEach((w) => w.reject(e));
  worker.on('message', (msg: { type: string; message?: string }) => {
    const next = waiting.shift();
    if (!next) return;
    if (msg.type === 'error') next.reject(new Error(`training worker failed: ${msg.message}`));
    else if (msg.type !== next.reply) next.reject(new Error(`training worker answered ${msg.type}, expected ${next.reply}`));
    else next.resolve(msg as never);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => code !== 0 && fail(new Error(`training worker exited with code ${code}`)));
  return {
    worker,
    request: (msg, reply, transfer = []) =>
      new Promise((resolve, reject) => {
        waiting.push({ reply, resolve: resolve as (v: never) => void, reject });
        worker.postMessage(msg, transfer);
      }),
  };
}

/** A ReplicaFactory running `workers` worker threads. */
export function workerReplicas(workers: number): ReplicaFactory {
  return (trm, _params, globalBatch) => {
    const sizes = shardSizes(globalBatch, workers);
    const values = (named: ReadonlyMap<string, tf.Tensor>) => new Map([...named].map(([name, t]) => [name, t.dataSync() as Float32Array]));
    const named = namedWeights(trm.weights); // the trainer's variables, parameters and buffers
    const initial = values(named);
    const ready: Promise<Channel[]> = Promise.all(
      sizes.map(async (slots) => {
        const init: WorkerInit = {
          config: trm.config,
          slots,
          values: Object.fromEntries([...initial].map(([name, data]) => [name, { shape: named.get(name)!.shape, data }])),
        };
        const worker = new Worker(WORKER_URL, { workerData: init, execArgv: FROM_SOURCE ? ['--import', 'tsx'] : [] });
        const ch = channel(worker);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(`training worker failed to start: ${m.message}`))));
          worker.once('error', reject);
        });
        return ch;
      }),
    );

    const set: ReplicaSet = {
      sizes,
      async compute(inputs: ReplicaInput[]) {
        const chans = await ready;
        const results = await Promise.all(chans.map((ch, i) => ch.request<{ output: ReplicaOutput }>({ type: 'compute', input: inputs[i]! }, 'result')));
        return results.map((r) => r.output);
      },
      async afterUpdate(named) {
        const chans = await ready;
        const update = Object.fromEntries(values(named));
        await Promise.all(chans.map((ch) => ch.request({ type: 'update', values: update }, 'updated')));
      },
      async readCarry() {
        const chans = await ready;
        return Promise.all(chans.map((ch) => ch.request<{ y: Float32Array; z: Float32Array }>({ type: 'readCarry' }, 'carry')));
      },
      async writeCarry(carries) {
        const chans = await ready;
        await Promise.all(chans.map((ch, i) => ch.request({ type: 'writeCarry', y: carries[i]!.y, z: carries[i]!.z }, 'carryWritten')));
      },
      async dispose() {
        const chans = await ready.catch(() => [] as Channel[]);
        await Promise.all(chans.map((ch) => ch.request({ type: 'close' }, 'closed').catch(() => undefined)));
        await Promise.all(chans.map((ch) => ch.worker.terminate()));
      },
    };
    return set;
  };
}
