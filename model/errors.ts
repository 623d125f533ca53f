/**
 * Typed errors of the TRM core. Every error says what is wrong and where: `code` is a stable
 * machine-readable literal, `path` locates the problem in the input (zod-style), and the message
 * reads on its own (`maze: second 'S' at row 4, col 17`). The worker maps these to 4xx JSON.
 */

export type ErrorPath = ReadonlyArray<string | number>;

/** Every code a TrmError carries: branch on these, not on messages. */
export type ErrorCode =
  // the classes below
  | 'invalid_config'
  | 'invalid_puzzle'
  | 'invalid_checkpoint'
  | 'backend_unavailable'
  | 'disposed'
  // models and packages
  | 'unknown_model'
  | 'invalid_model'
  | 'invalid_package'
  | 'no_identifiers'
  | 'unknown_task'
  | 'invalid_tasks'
  | 'invalid_identifiers'
  // inputs and options
  | 'invalid_input'
  | 'invalid_options'
  | 'invalid_data'
  | 'out_of_memory'
  // files and training runs (Node)
  | 'invalid_path'
  | 'exists'
  | 'invalid_run'
  | 'no_run'
  | 'run_exists'
  | 'no_checkpoint'
  | 'no_metrics';

// Each class names itself: bundlers minify class names, and `name` is what a stack trace and a worker's message carry.
export class TrmError extends Error {
  override name = 'TrmError';
  readonly code: ErrorCode;
  readonly path: ErrorPath;

  constructor(code: ErrorCode, message: string, path: ErrorPath = []) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/** A config that is not a valid TRM (bad field, bad type, inconsistent sizes). */
export class ConfigError extends TrmError {
  override name = 'ConfigError';

  constructor(message: string, path: ErrorPath = []) {
    super('invalid_config', message, path);
  }
}

/** A puzzle (or solution) that its task codec cannot accept. */
export class InvalidPuzzleError extends TrmError {
  override name = 'InvalidPuzzleError';

  constructor(message: string, path: ErrorPath = []) {
    super('invalid_puzzle', message, path);
  }
}

/** A checkpoint or weight file that is malformed, unsafe, or does not fit the config. */
export class CheckpointError extends TrmError {
  override name = 'CheckpointError';

  constructor(message: string, path: ErrorPath = []) {
    super('invalid_checkpoint', message, path);
  }
}

/** A TF.js backend that is missing or failed to initialise. */
export class BackendError extends TrmError {
  override name = 'BackendError';

  constructor(message: string) {
    super('backend_unavailable', message);
  }
}

/** A call on a model or solver after `dispose()`. */
export class DisposedError extends TrmError {
  override name = 'DisposedError';

  constructor(what: string) {
    super('disposed', `${what} was disposed; create a new one`);
  }
}

/**
 * The wasm backend's heap (wasm32: at most 4 GB per thread) running out: it surfaces as a wasm trap, not as an
 * allocation error, so it is recognised by the trap's message.
 */
export const isHeapExhausted = (e: unknown): e is Error => e instanceof Error && /memory access out of bounds|Aborted\(|out of memory|Cannot enlarge memory/i.test(e.message);
