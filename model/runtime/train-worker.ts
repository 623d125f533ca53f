/**
 * A training worker thread: one wasm backend, one replica of the model for a range of batch slots.
 * The main thread sends parameters after each optimizer step and receives gradients (see
 * node-replicas.ts for the protocol).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { TrmConfig } from '../config.js';
import { createTrm } from '../trm.js';
import { BUFFERS, weightsFromNamed } from '../weights.js';
import { createReplica, type ReplicaInput } from '../train/replica.js';
import { initBackend, registerGradients } from './node.js';

export interface WorkerInit {
  config: TrmConfig;
  slots: number;
  /** Port-named parameters and buffers with their shapes. */
  values: Record<string, { shape: number[]; data: Float32Array }>;
}

export type WorkerRequest =
  | { type: 'compute'; input: ReplicaInput }
  | { type: 'update'; values: Record<string, Float32Array> }
  | { type: 'readCarry' }
  | { type: 'writeCarry'; y: Float32Array; z: Float32Array }
  | { type: 'close' };

const port = parentPort!;
const init = workerData as WorkerInit;

await initBackend('wasm');
await registerGradients();
const variables = new Map(Object.entries(init.values).map(([name, v]) => [name, tf.variable(tf.tensor(v.data, v.shape), !BUFFERS.has(name), name)]));
const params = new Map([...variables].filter(([name]) => !BUFFERS.has(name)));
const trm = createTrm(init.config, weightsFromNamed(variables, init.config));
const replica = createReplica(trm, params, init.slots);
port.postMessage({ type: 'ready' });

port.on('message', async (msg: WorkerRequest) => {
  try {
    switch (msg.type) {
      case 'compute': {
        const out = await replica.compute(msg.input);
        const transfer = [...out.grads.values(), out.qHalt, out.predictions, ...(out.puzzleGrads ? [out.puzzleGrads] : [])].map((a) => a.buffer as ArrayBuffer);
        port.postMessage({ type: 'result', output: out }, transfer);
        break;
      }
      case 'update':
        tf.tidy(() => {
          for (const [name, data] of Object.entries(msg.values)) variables.get(name)!.assign(tf.tensor(data, variables.get(name)!.shape));
        });
        port.postMessage({ type: 'updated' });
        break;
      case 'readCarry': {
        const c = await replica.readCarry();
        port.postMessage({ type: 'carry', ...c }, [c.y.buffer as ArrayBuffer, c.z.buffer as ArrayBuffer]);
        break;
      }
      case 'writeCarry':
        replica.writeCarry(msg.y, msg.z);
        port.postMessage({ type: 'carryWritten' });
        break;
      case 'close':
        replica.dispose();
        trm.dispose();
        tf.dispose([...variables.values()]);
        port.postMessage({ type: 'closed' });
        port.close();
        break;
    }
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
});
