/**
 * One optimisation step, as the algorithm reads: forward and objective, gradients, the NaN guard,
 * clipping, update. Everything it makes is freed before it returns; the batch is the caller's.
 */
import { dispose, keep, variableGrads, type Optimizer, type Tensor } from '@tensorflow/tfjs-core';
import type { TrainingLogs } from '@gradwell/core';
import type { LossAccuracy } from '../accuracy';
import { clipByGlobalNorm } from '../gradient-clipping';
import { checkLossIsFinite } from '../nan-guard';
import type { ModelParts } from './model-parts';
import type { ObjectiveValue } from './objective';
import { observeStep, type StepObservation } from './diagnostics-probe';

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
  /** Record gradient norms and weights for diagnostics. */
  observe: boolean;
}

export function trainStep(setup: StepSetup, x: Tensor, y: Tensor, place: StepPlace): StepResult {
  const { parts, optimizer } = setup;
  let predicted: Tensor | undefined;
  const { value, grads } = variableGrads(
    () => {
      const { total, output } = setup.objective(x, y);
      if (setup.accuracy !== undefined) predicted = keep(setup.accuracy.predict(output));
      return total;
    },
    parts.trainable.map((w) => w.variable),
  );
  let gradients = grads;
  try {
    const loss = value.dataSync()[0] as number;
    if (setup.nanGuard) checkLossIsFinite(loss, parts.base, x, place, setup.history);
    if (setup.clipNorm !== undefined) gradients = clipGradients(grads, setup.clipNorm);
    const observation = place.observe ? observeStep(parts, gradients) : undefined;
    optimizer.applyGradients(gradients);
    const correct = predicted === undefined ? undefined : setup.accuracy?.count(y, predicted);
    return { loss, correct, size: x.shape[0], observation };
  } finally {
    dispose([value, predicted, ...Object.values(grads)]);
    if (gradients !== grads) dispose(Object.values(gradients));
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
