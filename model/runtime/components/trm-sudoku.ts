/**
 * <trm-sudoku>: an editable 9×9 grid the TRM solves in the page. Arrow keys move, digits fill,
 * Backspace/Delete/0/. clear, and pasting an 81-character puzzle anywhere fills the grid. Givens
 * are bold; the answer's cells are shaded by the model's doubt at each step.
 *
 *   <trm-sudoku value="..3.2.6..9..3.5..1.." halt="verified" tries="8"></trm-sudoku>
 */
import type { Solution } from '../../solver.js';
import { TrmElement } from './trm-element.js';

const CSS = `
[part~="grid"] { grid-template-columns: repeat(9, auto); }
[part~="cell"] { caret-color: transparent; cursor: pointer; }
[part~="cell"]:nth-child(9n + 3), [part~="cell"]:nth-child(9n + 6) { border-right: 2px solid var(--trm-grid-color, #333); }
[part~="cell"]:nth-child(n + 19):nth-child(-n + 27), [part~="cell"]:nth-child(n + 46):nth-child(-n + 54) { border-bottom: 2px solid var(--trm-grid-color, #333); }
[part~="given"] { font-weight: 700; color: var(--trm-given-color, #111); }
[part~="answer"] { color: var(--trm-answer-color, var(--_accent)); }
`;

const BLANK = '.'.repeat(81);

export class TrmSudoku extends TrmElement<'sudoku'> {
  protected readonly task = 'sudoku';
  /** The puzzle as entered: 81 characters, '.' blank (kept as given, so a wrong length reaches the solver's error). */
  #value = BLANK;
  readonly #cells: HTMLInputElement[];

  constructor() {
    super(CSS, 'Sudoku');
    this.#cells = Array.from({ length: 81 }, (_, i) => {
      const cell = document.createElement('input');
      cell.setAttribute('part', 'cell');
      cell.inputMode = 'numeric';
      cell.autocomplete = 'off';
      cell.setAttribute('aria-label', `row ${Math.floor(i / 9) + 1}, column ${(i % 9) + 1}`);
      cell.tabIndex = i === 0 ? 0 : -1; // one tab stop for the grid; arrows move inside it
      cell.addEventListener('keydown', (e) => this.#key(e, i));
      cell.addEventListener('beforeinput', (e) => this.#input(e, i));
      return cell;
    });
    this.grid.append(...this.#cells);
    this.grid.addEventListener('paste', (e) => this.#paste(e));
    this.draw(null);
  }

  get value(): string {
    return this.#value;
  }

  set value(v: string) {
    this.#value = String(v).replace(/\s/g, '').replace(/0/g, '.');
    this.edited();
    this.draw(null);
  }

  protected puzzle(): string {
    return this.#value;
  }

  protected draw(answer: Solution<'sudoku'>['solution'] | null, cells?: number[], changed = false): void {
    this.#cells.forEach((cell, i) => {
      const given = this.#value[i] ?? '.';
      const shown = given !== '.' ? given : (answer?.[i] ?? '.');
      const before = cell.value;
      cell.value = shown === '.' ? '' : shown;
      const kind = given !== '.' ? 'given' : answer ? 'answer' : '';
      cell.setAttribute('part', ['cell', kind, changed && before !== cell.value ? 'changed' : ''].filter(Boolean).join(' '));
      cell.style.setProperty('--doubt', cells && given === '.' ? (1 - (cells[i] ?? 1)).toFixed(3) : '0');
    });
  }

  #key(e: KeyboardEvent, i: number): void {
    const move = { ArrowUp: -9, ArrowDown: 9, ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (move !== undefined) {
      const next = i + move;
      if (next >= 0 && next < 81 && (move % 9 === 0 || Math.floor(next / 9) === Math.floor(i / 9))) this.#focus(next);
      e.preventDefault();
    } else if (/^[1-9]$/.test(e.key)) {
      this.#set(i, e.key);
      e.preventDefault();
    } else if (['Backspace', 'Delete', '0', '.', ' '].includes(e.key)) {
      this.#set(i, '.');
      e.preventDefault();
    }
  }

  /** What keydown did not handle (virtual keyboards send key 'Unidentified'): the cell changes only through #set. */
  #input(e: InputEvent, i: number): void {
    e.preventDefault();
    const digit = e.data?.slice(-1) ?? '';
    if (/^[1-9]$/.test(digit)) this.#set(i, digit);
    else if (e.inputType.startsWith('delete') || digit === '0' || digit === '.') this.#set(i, '.');
  }

  #focus(i: number): void {
    for (const c of this.#cells) c.tabIndex = -1;
    this.#cells[i]!.tabIndex = 0;
    this.#cells[i]!.focus();
  }

  #set(i: number, digit: string): void {
    const cells = this.#value.padEnd(81, '.').slice(0, 81).split('');
    cells[i] = digit;
    this.value = cells.join('');
  }

  #paste(e: ClipboardEvent): void {
    const text = (e.clipboardData?.getData('text') ?? '').replace(/\s/g, '');
    e.preventDefault();
    if (/^[0-9.]{81}$/.test(text)) this.value = text;
    else if (/^[1-9]$/.test(text)) this.#set(this.#cells.indexOf(e.target as HTMLInputElement), text);
  }
}
