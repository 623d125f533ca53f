/**
 * Training data as a stream of examples. Sources are seeded and resumable: `state()` is JSON that
 * `restore()` takes back, so a resumed run sees exactly the examples it would have seen.
 */

export interface Example {
  /** [seq_len] input tokens. */
  tokens: Int32Array;
  /** [seq_len] label tokens; −100 = ignored (the official collate maps ignore_label_id to −100). */
  labels: Int32Array;
  /** Puzzle identifier (row of the puzzle-embedding table). */
  id: number;
}

export interface DataSource {
  /** What the source is, for logs and model cards. */
  readonly description: string;
  /** The next `count` examples. */
  next(count: number): Example[];
  state(): unknown;
  restore(state: unknown): void;
}
