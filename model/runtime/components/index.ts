/**
 * trm-edge's web components (`trm-edge/components`, or trm-components.js from `npm run build:web`):
 * importing this defines <trm-sudoku> and <trm-maze>. They load TF.js only in their solver's worker.
 *
 *   <script type="module" src="./trm-components.js"></script>
 *   <trm-sudoku value="..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."></trm-sudoku>
 */
import { TrmMaze } from './trm-maze.js';
import { TrmSudoku } from './trm-sudoku.js';

export { TrmMaze, TrmSudoku };
export type { ErrorDetail, State } from './trm-element.js';

for (const [tag, element] of [
  ['trm-sudoku', TrmSudoku],
  ['trm-maze', TrmMaze],
] as const) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'trm-sudoku': TrmSudoku;
    'trm-maze': TrmMaze;
  }
}
