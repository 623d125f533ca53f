import { describe, expect, it } from 'vitest';
import { currentData, describeData, withDataPhase, type RunSpec } from '../../scripts/lib/run-dir.js';

const run = { data: 'maze-gen:10:min=16', training: { seed: 2 } } as RunSpec;

describe('data phases of a run (a curriculum)', () => {
  it('starts on the data it was created with, under the run seed', () => {
    expect(currentData(run)).toEqual({ step: 0, data: 'maze-gen:10:min=16', seed: 2 });
    expect(describeData(run)).toBe('maze-gen:10:min=16');
  });

  it('gives each phase its own seed, replaces a phase retried at the same step, and describes every phase with its steps', () => {
    const two = withDataPhase(withDataPhase(run, 'maze-gen:10:min=6', 2619), 'maze-gen:10:min=20', 4000);
    expect(two.phases).toEqual([{ step: 2619, data: 'maze-gen:10:min=6', seed: 2621 }, { step: 4000, data: 'maze-gen:10:min=20', seed: 4002 }]);
    expect(currentData(two)).toEqual({ step: 4000, data: 'maze-gen:10:min=20', seed: 4002 });
    expect(describeData(two)).toBe('maze-gen:10:min=16 (steps 1-2,619), then maze-gen:10:min=6 (steps 2,620-4,000, seed 2621), then maze-gen:10:min=20 (from step 4,001, seed 4002)');
    const retried = withDataPhase(two, 'maze-gen:10:min=24', 4000);
    expect(retried.phases!.map((p) => p.data)).toEqual(['maze-gen:10:min=6', 'maze-gen:10:min=24']);
    expect(run.phases).toBeUndefined(); // the spec passed in is not changed
  });
});
