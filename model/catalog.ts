/**
 * The models this project ships (model/weights/<path>/, and weights/<path>/ in the npm package):
 * one list for every front door and the edge API. A shipped model's package lies beside this
 * module, so its URL is relative to it in the repository and in the published package alike.
 */
import type { TaskName } from './tasks/codec.js';

export interface ShippedModel {
  /** The name `createSolver({ model })` and the API's `options.model` take. */
  readonly id: string;
  readonly task: TaskName;
  /** Folder of the package under weights/. */
  readonly path: string;
  /** The model a task gets when none is named. */
  readonly default: boolean;
  readonly description: string;
}

export const MODELS = [
  { id: 'sudoku', task: 'sudoku', path: 'sudoku', default: true, description: 'TRM-MLP, D 128, int8 (0.7 MB): 9×9 Sudoku' },
  { id: 'maze', task: 'maze', path: 'maze', default: true, description: 'TRM-MLP, D 128, int8 (0.8 MB): 10×10 mazes, the shortest path' },
  { id: 'arc', task: 'arc', path: 'arc', default: true, description: 'ARC-Att, D 64, int8 (0.79 MB): ARC-AGI-1 and ConceptARC tasks that fit 10×10 (others after solver.fit)' },
] as const satisfies readonly ShippedModel[];

export type ModelName = (typeof MODELS)[number]['id'];

/** The task a shipped model's name implies (every task when the name is not a shipped model's). */
export type ShippedTask<M> = [Extract<(typeof MODELS)[number], { id: M }>] extends [never] ? TaskName : Extract<(typeof MODELS)[number], { id: M }>['task'];

export const shippedModel = (name: string): ShippedModel | undefined => MODELS.find((m) => m.id === name);

/** The folder URL of a shipped model's package (model.json and its shard). */
export const shippedModelUrl = (m: ShippedModel): URL => new URL(`./weights/${m.path}/`, import.meta.url);
