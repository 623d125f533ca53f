/**
 * What a training run drew, replayed from its folder: every data phase's stream from its seed, a full
 * global batch per optimizer step (the trainer draws one each step, as the official loop does, and the
 * halted slots take theirs), plus each stored part (a puzzle folder, an official or ARC split) as
 * stored, because the augmented copies the stream gives cannot be matched exactly.
 */
import type { Example } from '../../model/data/source.js';
import type { TrmConfig } from '../../model/config.js';
import { openTrainingData } from './data-spec.js';
import { dataPhases, readMetrics, readRunSpec, type DataPhase } from './run-dir.js';

interface TrainedPhase extends DataPhase {
  /** The phase's last optimizer step. */
  end: number;
  /** Examples its stream gave: global_batch_size × its steps. */
  draws: number;
}

export interface TrainedData {
  /** The run's model: its sequence length and vocabulary are its data's. */
  model: TrmConfig;
  phases: TrainedPhase[];
  /** Where the run's weights started (--init): training that is not replayed here. */
  init?: { from: string; provenance: string };
  /** Each phase's draws in chunks of up to `chunk`, then its stored parts' examples; `drawn` counts the draws among them. */
  chunks(chunk?: number): AsyncGenerator<{ examples: Example[]; drawn: number }>;
}

export async function trainedData(runDir: string): Promise<TrainedData> {
  const spec = await readRunSpec(runDir);
  const last = Math.max(0, ...(await readMetrics(runDir)).filter((m) => m.type === 'train').map((m) => m.step));
  const starts = dataPhases(spec);
  const phases = starts
    .map((p, i) => {
      const end = Math.min(last, starts[i + 1]?.step ?? last);
      return { ...p, end, draws: spec.training.global_batch_size * Math.max(0, end - p.step) };
    })
    .filter((p) => p.draws > 0);
  return {
    model: spec.model,
    phases,
    ...(spec.init ? { init: spec.init } : {}),
    async *chunks(chunk = 1000) {
      for (const p of phases) {
        const { source, stored } = await openTrainingData(p.data, p.seed);
        for (let done = 0; done < p.draws; done += chunk) {
          const examples = source.next(Math.min(chunk, p.draws - done));
          yield { examples, drawn: examples.length };
        }
        for (const examples of stored) yield { examples: examples(), drawn: 0 };
      }
    },
  };
}
