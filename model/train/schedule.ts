/**
 * Learning-rate schedule (official cosine_schedule_with_warmup_lr_lambda, spec §5.7), for the
 * optimizer step s counted from 1: linear warmup, then cosine from base down to base·minRatio.
 * Every official preset uses minRatio = 1: warmup, then constant.
 */
export function learningRate(step: number, base: number, warmupSteps: number, totalSteps: number, minRatio: number): number {
  if (step < warmupSteps) return (base * step) / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return base * (minRatio + Math.max(0, (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress))));
}
