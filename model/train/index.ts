/**
 * trm-edge/train: the official training recipe (spec §5): the ACT loss, AdamATan2 and the sign-SGD
 * puzzle embeddings, EMA, the learning-rate schedule, initialisation, replicas and the trainer.
 * Gradients need `registerGradients()` from trm-edge/node first (or `import '@tensorflow/tfjs'`).
 */
export { createTrainer, localReplicas, type Trainer, type TrainerOptions, type TrainerSnapshot, type StepMetrics, type ReplicaSet, type ReplicaFactory } from './trainer.js';
export { createReplica, type Replica, type ReplicaInput, type ReplicaOutput } from './replica.js';
export { validateHyper, TASK_RECIPES, type TrainHyper } from './hyper.js';
export { actLoss, IGNORE_LABEL, type ActLoss } from './loss.js';
export { createAdamAtan2, type AdamAtan2, type AdamAtan2Options } from './adam-atan2.js';
export { signSgdRows } from './sign-sgd.js';
export { createEma, type Ema } from './ema.js';
export { learningRate } from './schedule.js';
export { initWeights } from './init.js';
