/**
 * <trm-maze>: a maze the TRM solves in the page (the default model: 10×10). Pick a tool (wall,
 * start, goal, erase) and click or drag over the cells; arrow keys move, Space or Enter applies the
 * tool, and W, S, G, E (or Delete) put a wall, the start, the goal or nothing on the focused cell.
 * The path ('o') is drawn at each supervision step, shaded by the model's doubt.
 *
 *   <trm-maze></trm-maze>   el.value = ['S   #', ...].join('\n')
 */
import type { Solution } from '../../solver.js';
import { TrmElement } from './trm-element.js';

const CSS = `
[part~="grid"] { grid-template-columns: repeat(var(--cols), auto); }
[part~="cell"] { cursor: crosshair; font-weight: 700; }
[part~="wall"] { background: var(--trm-wall-color, #334155); }
[part~="start"], [part~="goal"] { color: #fff; background: var(--trm-endpoint-color, #16a34a); }
[part~="path"]::after { content: ''; display: block; width: 45%; height: 45%; margin: auto; border-radius: 50%; background: var(--trm-path-color, var(--_accent)); }
[part~="toolbar"] { display: flex; gap: .8em; margin-bottom: .4em; font-size: .9em; }
`;

const TOOLS = { wall: '#', start: 'S', goal: 'G', erase: ' ' } as const;
type Tool = keyof typeof TOOLS;
/** Keys that apply a tool to the focused cell without switching tools. */
const KEYS: Record<string, Tool> = { w: 'wall', '#': 'wall', s: 'start', g: 'goal', e: 'erase', backspace: 'erase', delete: 'erase' };
const PART: Record<string, string> = { '#': 'wall', S: 'start', G: 'goal', o: 'path' };

/** An open 10×10 maze with the start and goal in opposite corners. */
const EMPTY = ['S'.padEnd(10), ...Array<string>(8).fill(' '.repeat(10)), 'G'.padStart(10)];

export class TrmMaze extends TrmElement<'maze'> {
  protected readonly task = 'maze';
  #rows: string[] = EMPTY;
  #tool: Tool = 'wall';
  #cells: HTMLButtonElement[] = [];
  #painting = false;

  constructor() {
    super(CSS, 'Maze');
    const toolbar = this.root.querySelector('[part~="toolbar"]')!;
    toolbar.setAttribute('role', 'radiogroup');
    toolbar.setAttribute('aria-label', 'Drawing tool');
    for (const tool of Object.keys(TOOLS) as Tool[]) {
      const label = document.createElement('label');
      label.innerHTML = `<input type="radio" name="tool" value="${tool}" ${tool === this.#tool ? 'checked' : ''}> ${tool}`;
      label.querySelector('input')!.addEventListener('change', () => (this.#tool = tool));
      toolbar.append(label);
    }
    this.grid.addEventListener('pointerup', () => (this.#painting = false));
    this.grid.addEventListener('pointerleave', () => (this.#painting = false));
    this.#layout();
  }

  get value(): string {
    return this.#rows.join('\n');
  }

  set value(v: string) {
    this.#rows = String(v).replace(/\r/g, '').split('\n');
    this.edited();
    this.#layout();
  }

  protected puzzle(): string[] {
    return this.#rows;
  }

  protected draw(answer: Solution<'maze'>['solution'] | null, cells?: number[], changed = false): void {
    const cols = this.#cols();
    this.#cells.forEach((cell, i) => {
      const [r, c] = [Math.floor(i / cols), i % cols];
      const given = this.#rows[r]?.[c] ?? ' ';
      const shown = given === ' ' && answer?.[r]?.[c] === 'o' ? 'o' : given;
      const wasPath = cell.getAttribute('part')?.includes('path') ?? false;
      cell.setAttribute('part', ['cell', PART[shown] ?? '', changed && wasPath !== (shown === 'o') ? 'changed' : ''].filter(Boolean).join(' '));
      cell.textContent = shown === 'S' || shown === 'G' ? shown : '';
      // The label stays "row r, column c"; what the cell holds is its description (a wall has no text to read).
      if (PART[shown]) cell.setAttribute('aria-description', PART[shown]);
      else cell.removeAttribute('aria-description');
      cell.style.setProperty('--doubt', cells && shown === 'o' ? (1 - (cells[i] ?? 1)).toFixed(3) : '0');
    });
  }

  #cols(): number {
    return Math.max(0, ...this.#rows.map((r) => r.length));
  }

  /** Rebuilds the cells when the maze's size changes. */
  #layout(): void {
    const cols = this.#cols();
    const count = this.#rows.length * cols;
    if (count !== this.#cells.length) {
      this.#cells = Array.from({ length: count }, (_, i) => {
        const cell = document.createElement('button');
        cell.type = 'button';
        cell.setAttribute('aria-label', `row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1}`);
        cell.tabIndex = i === 0 ? 0 : -1;
        cell.addEventListener('pointerdown', (e) => {
          e.preventDefault();
          // Touch captures the pointer to the first cell: release it, or no other cell sees the drag.
          if (cell.hasPointerCapture(e.pointerId)) cell.releasePointerCapture(e.pointerId);
          this.#painting = true;
          this.#apply(i);
        });
        cell.addEventListener('pointerenter', () => this.#painting && this.#apply(i));
        cell.addEventListener('keydown', (e) => this.#key(e, i));
        return cell;
      });
      this.grid.replaceChildren(...this.#cells);
      this.grid.style.setProperty('--cols', String(cols));
    }
    this.draw(null);
  }

  #key(e: KeyboardEvent, i: number): void {
    const cols = this.#cols();
    const move = { ArrowUp: -cols, ArrowDown: cols, ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (move !== undefined) {
      const next = i + move;
      if (next >= 0 && next < this.#cells.length && (Math.abs(move) === cols || Math.floor(next / cols) === Math.floor(i / cols))) {
        for (const c of this.#cells) c.tabIndex = -1;
        this.#cells[next]!.tabIndex = 0;
        this.#cells[next]!.focus();
      }
      e.preventDefault();
    } else if (e.key === ' ' || e.key === 'Enter') {
      this.#apply(i);
      e.preventDefault();
    } else if (KEYS[e.key.toLowerCase()]) {
      this.#apply(i, KEYS[e.key.toLowerCase()]);
      e.preventDefault();
    }
  }

  /** Puts the tool's character at cell i; a start or goal moves there (a maze has one of each). */
  #apply(i: number, tool = this.#tool): void {
    const cols = this.#cols();
    const mark = TOOLS[tool];
    const rows = this.#rows.map((r) => (mark === 'S' || mark === 'G' ? r.replaceAll(mark, ' ') : r).padEnd(cols).split(''));
    rows[Math.floor(i / cols)]![i % cols] = mark;
    this.value = rows.map((r) => r.join('')).join('\n');
  }
}
