import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createGrid,
  dihedral,
  DIHEDRAL_INVERSE,
  formatMaze,
  gridEquals,
  isMazeSolution,
  mazeCodec,
  parseMaze,
  shortestDistance,
  solveMaze,
  tokenChecker,
  MAZE_CHARSET,
  PATH,
  OPEN,
  type DihedralId,
  type MazeGrid,
} from '../../model/tasks/index.js';
import { InvalidPuzzleError } from '../../model/index.js';
import { parseNpy } from '../../model/data/npy.js';
import { DATA, dataLines } from '../helpers/paths.js';

const splits = ['train', 'test'] as const;
const csv = (split: string) =>
  dataLines(`maze-30x30-hard-1k/${split}.csv.gz`)
    .slice(1)
    .map((line) => {
      const [question, answer, cells] = line.split(',');
      return { question: question!, answer: answer!, pathCells: Number(cells) };
    });
const npy = (split: string, name: string) => parseNpy(readFileSync(join(DATA, `maze-30x30-hard-1k/hrm-processed/${split}/all__${name}.npy`)));
/** An official answer string (with 'o' path cells) as a grid. */
const label = (answer: string) =>
  createGrid(
    30,
    30,
    Uint8Array.from(answer, (ch) => MAZE_CHARSET.indexOf(ch) + 1),
  );

describe.each(splits)('Maze codec on the %s split (1000 mazes)', (split) => {
  const rows = csv(split);

  it('round-trips every maze and decodes the official .npy arrays to the CSV grids', () => {
    const inputs = npy(split, 'inputs');
    const labels = npy(split, 'labels');
    expect(inputs.shape).toEqual([1000, 900]);
    rows.forEach(({ question, answer }, i) => {
      const puzzle = parseMaze(question);
      const tokens = mazeCodec.encode(puzzle);
      expect(formatMaze(mazeCodec.decode(tokens, puzzle)).join('')).toBe(question);
      expect(tokens).toEqual(inputs.data.subarray(i * 900, (i + 1) * 900));
      expect(formatMaze(mazeCodec.decode(labels.data.subarray(i * 900, (i + 1) * 900), puzzle)).join('')).toBe(answer);
    });
  });

  it('labels with the Down-Left-Right-Up tie-break exactly as the official data, and verifies them', () => {
    rows.forEach(({ question, answer, pathCells }, i) => {
      const puzzle = parseMaze(question);
      const solved = solveMaze(puzzle)!;
      if (formatMaze(solved).join('') !== answer) throw new Error(`${split} maze ${i}: label differs from the official one`);
      expect(shortestDistance(puzzle) + 1).toBe(pathCells);
      expect(isMazeSolution(puzzle, label(answer))).toBe(true);
    });
  });

  it('rejects corrupted solutions: a missing, a moved and an extra path cell', () => {
    rows.slice(0, 200).forEach(({ question, answer }) => {
      const puzzle = parseMaze(question);
      const good = label(answer);
      const onPath = good.cells.indexOf(PATH);
      const open = good.cells.indexOf(OPEN);
      const without = good.cells.slice();
      without[onPath] = OPEN;
      const extra = good.cells.slice();
      extra[open] = PATH;
      const moved = without.slice();
      moved[open] = PATH;
      const wallGone = good.cells.slice();
      wallGone[good.cells.indexOf(1)] = OPEN;
      for (const bad of [without, extra, moved, wallGone]) expect(isMazeSolution(puzzle, createGrid(30, 30, bad))).toBe(false);
    });
  });

  it("tokenChecker accepts another shortest path than the label's, which exact accuracy does not, and rejects a broken one", () => {
    const check = tokenChecker('maze', 900)!;
    let otherPath = 0;
    rows.slice(0, 100).forEach(({ question, answer }) => {
      const puzzle = parseMaze(question);
      // The tie-break applied to the maze turned 180° gives another optimal path in most mazes.
      const alt = dihedral(solveMaze(dihedral(puzzle, 2))!, DIHEDRAL_INVERSE[2]!);
      const tokens = mazeCodec.encode(puzzle);
      expect(check(tokens, mazeCodec.encode(alt))).toBe(true);
      if (formatMaze(alt).join('') !== answer) otherPath++;
      const broken = alt.cells.slice();
      broken[broken.indexOf(PATH)] = OPEN;
      expect(check(tokens, Int32Array.from(broken))).toBe(false);
    });
    expect(otherPath).toBeGreaterThan(50);
  });

  it('dihedral augmentation keeps the label an optimal path, and its inverse restores the maze', () => {
    rows.slice(0, 100).forEach(({ question, answer }) => {
      const [puzzle, solution] = [parseMaze(question), label(answer)];
      for (let k = 0 as DihedralId; k < 8; k++) {
        const [p, s] = [dihedral(puzzle, k), dihedral(solution, k)];
        expect(isMazeSolution(p, s)).toBe(true);
        expect(gridEquals(dihedral(p, DIHEDRAL_INVERSE[k]!), puzzle)).toBe(true);
      }
    });
  });
});

describe('Maze input errors', () => {
  const maze = csv('test')[0]!.question;
  const rows = maze.match(/.{30}/g)!;
  const withCell = (r: number, c: number, ch: string) => rows.map((row, i) => (i === r ? row.slice(0, c) + ch + row.slice(c + 1) : row));
  const start = maze.indexOf('S');

  it.each([
    [rows.slice(1), /expected 30 rows of 30 cells, got 29 rows/],
    [[...rows.slice(0, 3), rows[3]!.slice(1), ...rows.slice(4)], /row 4 has 29 cells, expected 30/],
    [withCell(2, 5, 'x'), /invalid character "x" .* at row 3, col 6/],
    [withCell(4, 17, 'S'), /second 'S' at row \d+, col \d+ \(first at row \d+, col \d+\); a maze has exactly one/],
    [withCell(Math.floor(start / 30), start % 30, ' '), /no start 'S'/],
    [withCell(0, 0, 'o'), /a path cell 'o'.* at row 1, col 1/],
    [{ rows }, /must be 30 text rows/],
  ])('refuses case %# with a precise message', (input, message) => {
    expect(() => parseMaze(input)).toThrow(InvalidPuzzleError);
    expect(() => parseMaze(input)).toThrow(message);
  });

  it('accepts rows, newline-separated text and one 900-character string alike', () => {
    const a = parseMaze(rows);
    expect(gridEquals(a, parseMaze(`${rows.join('\n')}\n`))).toBe(true);
    expect(gridEquals(a, parseMaze(maze))).toBe(true);
  });

  it('a maze whose goal is walled off has no solution', () => {
    const walled: MazeGrid = parseMaze([`S#${' '.repeat(28)}`, `##${' '.repeat(28)}`, ...Array.from({ length: 27 }, () => ' '.repeat(30)), `${' '.repeat(29)}G`]);
    expect(solveMaze(walled)).toBeNull();
    expect(isMazeSolution(walled, walled)).toBe(false);
  });
});
