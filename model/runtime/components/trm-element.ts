/**
 * What <trm-sudoku> and <trm-maze> share: the attributes, a solver loaded on first solve (in a
 * module worker unless `worker="false"`, or the edge API when `api` is set), the step animation,
 * the result badge and live region, and the events. Subclasses draw the grid and read the puzzle.
 *
 * Attributes: model, halt, tries, max-steps, worker, api, value. Events (bubbling, composed):
 * trm-step (detail: the step), trm-solved (the result), trm-error ({ code, message, path }).
 * Host state for styling and tests: data-state (idle|loading|solving|solved|error), data-step, data-verified.
 */
import type { SearchHalt } from '../../tries.js';
import type { Solution, SolveStep } from '../../solver.js';
import type { TaskName } from '../../tasks/codec.js';
import { createSolver, type BrowserSolver } from '../browser-solver.js';

export type State = 'idle' | 'loading' | 'solving' | 'solved' | 'error';
export interface ErrorDetail {
  code: string;
  message: string;
  path: (string | number)[];
}

const BASE_CSS = `
:host { display: inline-block; font: var(--trm-font, 15px/1.4 system-ui, sans-serif); color: var(--trm-color, #222); --_accent: var(--trm-accent, #2563eb); }
[part~="grid"] { display: grid; gap: 0; width: max-content; border: 2px solid var(--trm-grid-color, #333); user-select: none; touch-action: none; }
[part~="cell"] { box-sizing: border-box; width: var(--trm-cell-size, 2.2em); height: var(--trm-cell-size, 2.2em); border: 1px solid var(--trm-line-color, #bbb);
  font: inherit; font-size: 1.1em; text-align: center; padding: 0; margin: 0; color: inherit; outline: none; border-radius: 0;
  background: color-mix(in srgb, var(--trm-confidence-color, #f59e0b) calc(var(--doubt, 0) * 100%), var(--trm-cell-background, #fff)); }
[part~="cell"]:focus { box-shadow: inset 0 0 0 2px var(--_accent); }
[part~="cell"][part~="changed"] { animation: trm-flash .35s ease-out; }
@keyframes trm-flash { from { background: color-mix(in srgb, var(--_accent) 35%, #fff); } }
.bar { display: flex; gap: .6em; align-items: center; margin-top: .5em; flex-wrap: wrap; }
[part~="solve"] { font: inherit; padding: .3em 1.1em; border: 0; border-radius: .3em; background: var(--_accent); color: #fff; cursor: pointer; }
[part~="solve"]:disabled { opacity: .6; cursor: progress; }
[part~="badge"] { font-size: .85em; padding: .1em .5em; border-radius: 1em; }
[part~="badge"]:empty { display: none; }
[part~="badge"].ok { background: #dcfce7; color: #166534; } [part~="badge"].bad { background: #fee2e2; color: #991b1b; }
[part~="status"] { margin: .3em 0 0; min-height: 1.4em; font-size: .9em; color: #555; max-width: 28em; }
:host([data-state="error"]) [part~="status"] { color: #b91c1c; }
`;

// A TrmError (or the API's error body) has a string code; a DOMException's numeric legacy code is replaced by its name (AbortError).
const detailOf = (e: unknown): ErrorDetail => {
  const { code, message, path, name } = (e ?? {}) as Partial<ErrorDetail> & { name?: string; code?: unknown };
  return { code: typeof code === 'string' ? code : (name ?? 'error'), message: message ?? String(e), path: path ?? [] };
};

export abstract class TrmElement<T extends 'sudoku' | 'maze'> extends HTMLElement {
  // model and worker are read at each solve (a change loads a new solver then, see #getSolver).
  static observedAttributes = ['value'];

  protected abstract readonly task: T;
  /** The puzzle as the solver takes it (the grid's current contents). */
  protected abstract puzzle(): unknown;
  /** Draws an answer (null: the puzzle alone); `cells` shades each cell by its confidence; `changed` flashes. */
  protected abstract draw(answer: Solution<T>['solution'] | null, cells?: number[], changed?: boolean): void;
  abstract get value(): string;
  abstract set value(v: string);

  protected readonly root: ShadowRoot;
  protected readonly grid: HTMLElement;
  readonly #button: HTMLButtonElement;
  readonly #badge: HTMLElement;
  readonly #status: HTMLElement;
  #solver: Promise<BrowserSolver<T>> | null = null;
  #solverKey = '';
  #loaded: BrowserSolver<T> | null = null;
  #controller: AbortController | null = null;
  /** The last step's per-cell confidence, kept on the final answer. */
  #cells: number[] | undefined;
  /** The last answer shown. */
  solution: Solution<T>['solution'] | null = null;

  constructor(css: string, label: string) {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${BASE_CSS}${css}</style><div part="toolbar"></div><div part="grid" role="group" aria-label="${label}"></div>
<div class="bar"><button part="solve" type="button">Solve</button><span part="badge"></span></div><p part="status" role="status" aria-live="polite"></p>`;
    this.grid = this.root.querySelector('[part~="grid"]')!;
    this.#button = this.root.querySelector('[part~="solve"]')!;
    this.#badge = this.root.querySelector('[part~="badge"]')!;
    this.#status = this.root.querySelector('[part~="status"]')!;
    // The button reports failures through trm-error and the status line; solve() callers get the rejection.
    this.#button.addEventListener('click', () => this.solve().catch(() => {}));
    this.#setState('idle');
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'value' && value !== null && value !== old) this.value = value;
  }

  disconnectedCallback(): void {
    this.dispose();
  }

  /** The solver, once loaded (null before the first solve and after dispose()). */
  get solver(): BrowserSolver<T> | null {
    return this.#loaded;
  }

  /** Solves the grid's puzzle, animating each supervision step; rejects (after a trm-error) on failure. */
  async solve(): Promise<Solution<T>> {
    this.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#badge.textContent = '';
    delete this.dataset.verified;
    this.dataset.step = '0';
    this.#cells = undefined;
    try {
      const puzzle = this.puzzle();
      const api = this.getAttribute('api');
      const result = api === null ? await this.#solveHere(puzzle, controller.signal) : await this.#solveApi(api, puzzle, controller.signal);
      if (this.#controller !== controller) return result; // a newer solve owns the grid now
      this.solution = result.solution;
      this.draw(result.solution, this.#cells);
      this.dataset.step = String(result.steps);
      this.dataset.verified = String(result.verified);
      this.#badge.textContent = result.verified ? 'verified' : 'not verified';
      this.#badge.className = result.verified ? 'ok' : 'bad';
      const stopped = controller.signal.aborted ? 'stopped, ' : '';
      this.#setState('solved', `${result.verified ? 'Solved and verified' : 'Answer not verified'}: ${stopped}${result.steps} steps, confidence ${result.confidence.toFixed(3)}.`);
      this.#emit('trm-solved', result);
      return result;
    } catch (e) {
      if (this.#controller !== controller) throw e;
      const detail = detailOf(e);
      this.#setState('error', detail.message);
      this.#emit('trm-error', detail);
      throw e;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  /** Stops a running solve after its current step (the answer so far is kept). */
  abort(): void {
    this.#controller?.abort();
  }

  /** Frees the solver (its worker, or its tensors on the page); the next solve loads it again. */
  dispose(): void {
    this.abort();
    this.#drop();
  }

  protected edited(): void {
    this.solution = null;
    this.#badge.textContent = '';
    delete this.dataset.verified;
    if (this.dataset.state !== 'solving') this.#setState('idle');
  }

  #options(): { halt: SearchHalt; tries: number; maxSteps?: number } {
    const steps = this.getAttribute('max-steps');
    return {
      halt: (this.getAttribute('halt') ?? 'never') as SearchHalt,
      tries: Number(this.getAttribute('tries') ?? 1),
      ...(steps !== null ? { maxSteps: Number(steps) } : {}),
    };
  }

  #drop(): void {
    this.#loaded?.dispose(); // a solver still loading is disposed when it arrives (#getSolver)
    this.#solver = null;
    this.#loaded = null;
  }

  #getSolver(): Promise<BrowserSolver<T>> {
    const model = this.getAttribute('model') ?? this.task;
    const worker = this.getAttribute('worker') !== 'false';
    const key = `${model}|${worker}`;
    if (this.#solver && key !== this.#solverKey) this.#drop(); // not dispose(): that would abort the solve asking for the new one
    if (!this.#solver) {
      this.#solverKey = key;
      this.#setState('loading', 'Loading the model…');
      const pending = createSolver({ model, task: this.task as TaskName, worker }) as Promise<BrowserSolver<T>>;
      this.#solver = pending;
      pending.then(
        (s) => {
          if (this.#solver === pending) this.#loaded = s;
          else s.dispose();
        },
        () => {
          if (this.#solver === pending) this.#solver = null;
        },
      );
    }
    return this.#solver;
  }

  async #solveHere(puzzle: unknown, signal: AbortSignal): Promise<Solution<T>> {
    const solver = await this.#getSolver();
    signal.throwIfAborted(); // stopped while loading: no step ran, so there is no answer to keep
    this.#setState('solving', 'Thinking…');
    return solver.solve(puzzle as never, { ...this.#options(), signal, cellConfidence: true, onStep: (s) => this.#step(s as SolveStep<T>) });
  }

  #step(s: SolveStep<T>): void {
    this.solution = s.solution;
    this.#cells = s.cells;
    this.draw(s.solution, s.cells, true);
    this.dataset.step = String(s.step);
    this.#status.textContent = `Step ${s.step}: confidence ${s.confidence.toFixed(3)}${s.copy ? ` (copy ${s.copy})` : ''}`;
    this.#emit('trm-step', s);
  }

  /** Through the edge API's stream (POST {api}/v1/solve/stream, server-sent events). */
  async #solveApi(api: string, puzzle: unknown, signal: AbortSignal): Promise<Solution<T>> {
    this.#setState('solving', 'Asking the server…');
    const res = await fetch(`${api.replace(/\/$/, '')}/v1/solve/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: this.task, puzzle, options: this.#options() }),
      signal,
    });
    if (!res.ok || !res.body)
      throw ((await res.json().catch(() => null)) as { error?: ErrorDetail } | null)?.error ?? { code: 'http_error', message: `the API answered ${res.status}` };
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = JSON.parse(/^data: (.*)$/m.exec(message)?.[1] ?? 'null');
        if (event === 'step') this.#step(data);
        else if (event === 'result') return data;
        else if (event === 'error') throw data.error;
      }
    }
    throw { code: 'http_error', message: 'the API stream ended without a result' };
  }

  #setState(state: State, status = ''): void {
    this.dataset.state = state;
    this.#button.disabled = state === 'loading' || state === 'solving';
    this.#status.textContent = status;
  }

  #emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
