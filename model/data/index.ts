/**
 * trm-edge/data: training and evaluation examples as token sequences: the official datasets' files,
 * Sudoku and maze generators, ARC task sets and their augmented builder, weighted mixtures.
 */
export type { Example, DataSource } from './source.js';
export { mixSources } from './mixture.js';
export { createEpochs, type Epochs, type EpochsState } from './epochs.js';
export { parseNpy, type NpyArray } from './npy.js';
export { officialSource, parseOfficialSplit, splitExamples, SPLIT_FILES, type DatasetMetadata, type OfficialSplit } from './official-dataset.js';
export { sudokuGeneratorSource, sudokuListSource } from './sudoku-source.js';
export { generateSudoku, checkSudokuOptions, MAX_SUDOKU_CANDIDATES, type GeneratedSudoku, type SudokuGeneratorOptions } from './sudoku-generator.js';
export { solveSudoku, type SolveResult } from './sudoku-solver.js';
export { generateMaze, mazeGeneratorSource, checkMazeOptions, defaultMinPath, mazeLayoutBudget, type MazeGeneratorOptions } from './maze-generator.js';
export { buildArcDataset, type ArcDataset, type ArcBuildOptions, type ArcPair, type ArcSubset, type ArcTask } from './arc-dataset.js';
