/**
 * The demo page (index.html): both components and the ARC section (arc.ts), examples per difficulty
 * from the sets the default models were evaluated on (examples.json, from scripts/web-examples.ts),
 * and switches between solving in the page (worker or main thread) and through the edge API. A service worker keeps
 * the page, the bundles and the models for offline visits.
 */
import '../../model/runtime/components/index.js';
import { arcSection, type ArcExample, type ArcSettings } from './arc.js';

interface Level<P> {
  level: string;
  source: string;
  puzzles: P[];
}
interface Examples {
  sudoku: Level<string>[];
  maze: Level<string[]>[];
  arc: Level<ArcExample>[];
}

const settings = document.querySelector<HTMLFormElement>('#settings')!;
const sudoku = document.querySelector('trm-sudoku')!;
const maze = document.querySelector('trm-maze')!;

function arcSettings(): ArcSettings {
  const form = new FormData(settings);
  return { where: form.get('where') === 'api' ? 'api' : 'browser', worker: form.get('thread') === 'worker', halt: form.get('mode') === 'q' ? 'q' : 'never' };
}

function applySettings(): void {
  const form = new FormData(settings);
  const mode = String(form.get('mode'));
  for (const el of [sudoku, maze]) {
    el.setAttribute('halt', mode === 'tries' ? 'verified' : mode);
    el.setAttribute('tries', mode === 'tries' ? '8' : '1');
    el.setAttribute('worker', String(form.get('thread') === 'worker'));
    if (form.get('where') === 'api') el.setAttribute('api', '');
    else el.removeAttribute('api');
  }
}

/** A level picker and an "another" button cycling through its puzzles. */
function picker<P>(task: 'sudoku' | 'maze', levels: Level<P>[], show: (p: P) => void): void {
  const select = document.querySelector<HTMLSelectElement>(`#${task}-level`)!;
  select.innerHTML = levels.map((l, i) => `<option value="${i}" title="${l.source}">${l.level}</option>`).join('');
  let next = 0;
  const pick = () => {
    const { puzzles } = levels[Number(select.value)]!;
    show(puzzles[next++ % puzzles.length]!);
  };
  select.addEventListener('change', () => {
    next = 0;
    pick();
  });
  document.querySelector(`#${task}-next`)!.addEventListener('click', pick);
  pick();
}

settings.addEventListener('change', applySettings);
applySettings();
const examples = (await (await fetch(new URL('./examples.json', import.meta.url))).json()) as Examples;
picker('sudoku', examples.sudoku, (p) => (sudoku.value = p));
picker('maze', examples.maze, (p) => (maze.value = p.join('\n')));
settings.addEventListener('change', arcSection(document.querySelector('#arc')!, examples.arc, arcSettings));

if ('serviceWorker' in navigator) navigator.serviceWorker.register(new URL('./sw.js', import.meta.url)).catch(() => {});
