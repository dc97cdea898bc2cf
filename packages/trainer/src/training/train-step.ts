/**
 * One optimisation step, as the algorithm reads: forward and objective, gradients, the NaN guard,
 * clipping, update (or, with gradient accumulation, the gradients added to those of the group's batches). Everything it makes is freed before it returns; the batch is the caller's.
 */
import { dispose, keep, variableGrads, type Optimizer, type Tensor } from '@tensorflow/tfjs-core';
import type { TrainingLogs } from '@gradwell/core';
import type { LossAccuracy } from '../accuracy';
import { clipByGlobalNorm } from '../gradient-clipping';
import { checkLossIsFinite } from '../nan-guard';
import type { ModelParts } from './model-parts';
import type { ObjectiveValue } from './objective';
import { observeStep, type StepObservation } from './diagnostics-probe';
import type { GradientAccumulator } from './gradient-accumulation';

export interface StepSetup {
  parts: ModelParts;
  objective: (x: Tensor, y: Tensor) => ObjectiveValue;
  optimizer: Optimizer;
  /** How the loss counts correct predictions; none for a loss without accuracy. */
  accuracy: LossAccuracy | undefined;
  clipNorm: number | undefined;
  nanGuard: boolean;
  /** The run's history so far, carried by a divergence error. */
  history: readonly TrainingLogs[];
}

export interface StepResult {
  loss: number;
  /** Correct predictions in the batch (losses with an accuracy only). */
  correct: number | undefined;
  /** Examples in the batch. */
  size: number;
  /** Gradient norms and pre-update weights, when the step was asked to be observed. */
  observation: StepObservation | undefined;
}

/** Where a step runs, for the NaN guard's report. */
export interface StepPlace {
  epoch: number;
  step: number;
  /** Record gradient norms and weights for diagnostics (at an update). */
  observe: boolean;
  /** With gradient accumulation: whether this batch ends its group (the update is made after it). */
  update: boolean;
}

/**
 * Trains on one batch: its gradients applied at once, or — with an accumulator — added to those of the
 * batches before, and applied (as their example-weighted mean) when `place.update` says the group ends.
 */
export function trainStep(
  setup: StepSetup,
  x: Tensor,
  y: Tensor,
  place: StepPlace,
  accumulator?: GradientAccumulator,
): StepResult {
  const { loss, correct, gradients } = batchGradients(setup, x, y, place);
  const size = x.shape[0];
  if (accumulator === undefined)
    return { loss, correct, size, observation: applyUpdate(setup, gradients, place.observe) };
  accumulator.add(gradients, size);
  const observation = place.update ? applyUpdate(setup, accumulator.take(), place.observe) : undefined;
  return { loss, correct, size, observation };
}

/** The batch's loss, correct predictions and gradients (the caller's to free); the NaN guard checks the loss. */
function batchGradients(
  setup: StepSetup,
  x: Tensor,
  y: Tensor,
  place: StepPlace,
): { loss: number; correct: number | undefined; gradients: Record<string, Tensor> } {
  let predicted: Tensor | undefined;
  const { value, grads } = variableGrads(
    () => {
      const { total, output } = setup.objective(x, y);
      if (setup.accuracy !== undefined) predicted = keep(setup.accuracy.predict(output));
      return total;
    },
    setup.parts.trainable.map((w) => w.variable),
  );
  try {
    const loss = value.dataSync()[0] as number;
    if (setup.nanGuard) checkLossIsFinite(loss, setup.parts.base, x, place, setup.history);
    const correct = predicted === undefined ? undefined : setup.accuracy?.count(y, predicted);
    return { loss, correct, gradients: grads };
  } catch (error) {
    dispose(Object.values(grads));
    throw error;
  } finally {
    dispose([value, predicted]);
  }
}

/**
 * Clips, observes (for diagnostics) and applies `gradients`, then frees them. Returns the observation
 * when one was asked for.
 */
export function applyUpdate(
  setup: Pick<StepSetup, 'parts' | 'optimizer' | 'clipNorm'>,
  gradients: Record<string, Tensor>,
  observe: boolean,
): StepObservation | undefined {
  let applied = gradients;
  try {
    if (setup.clipNorm !== undefined) applied = clipGradients(gradients, setup.clipNorm);
    const observation = observe ? observeStep(setup.parts, applied) : undefined;
    setup.optimizer.applyGradients(applied);
    return observation;
  } finally {
    dispose(Object.values(gradients));
    if (applied !== gradients) dispose(Object.values(applied));
  }
}

function clipGradients(gradients: Record<string, Tensor>, maxNorm: number): Record<string, Tensor> {
  const names = Object.keys(gradients);
  const { clipped, globalNorm } = clipByGlobalNorm(
    names.map((name) => gradients[name] as Tensor),
    maxNorm,
  );
  globalNorm.dispose();
  return Object.fromEntries(names.map((name, i) => [name, clipped[i] as Tensor]));
}
