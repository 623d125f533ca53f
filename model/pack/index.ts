/**
 * trm-edge/pack: model packages (model.json + shards, or one `.trm` file): write, read through any
 * TF.js IOHandler, quantize, describe with a card, and trim an ARC model to chosen tasks. FORMAT.md
 * is the format's specification.
 */
export { loadPackage, type LoadedPackage } from './read.js';
export { packModel, type PackInput, type PackedModel } from './write.js';
export { containerHandler, packContainer, joinContainer, isContainer } from './container.js';
export { QUANTIZATIONS, FORMAT_VERSION, metadataSchema, type Quantization, type PackageMetadata } from './format.js';
export { modelCard, type CardEvaluation } from './card.js';
export { selectArcRows, takeRows, type RowSelection } from './arc-rows.js';
