/**
 * The NaN/Inf guard's locator: when the loss turns non-finite, run the batch layer by layer and name the
 * first place it went wrong — the input, a layer's weights, a layer's output, or the loss itself.
 */
import {
  any,
  isFinite as isFiniteOp,
  logicalNot,
  tidy,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { Sequential, TrainingLogs } from '@gradwell/core';

/** Where the first non-finite value appears on a batch. */
export interface NonFiniteReport {
  epoch: number;
  step: number;
  /** 'input': the batch itself; 'weights': a layer's weights; 'output': a layer turned finite inputs and weights into NaN/Inf; 'loss': every layer was finite, the loss was not. */
  where: 'input' | 'weights' | 'output' | 'loss';
  /** The first layer at fault (absent for 'input' and 'loss'). */
  layer?: string;
  layerIndex?: number;
  /** For 'weights': which weight. */
  weight?: string;
  loss: number;
  message: string;
}

function hasNonFinite(t: Tensor | Variable): boolean {
  return tidy(() => any(logicalNot(isFiniteOp(t))).dataSync()[0] === 1);
}

/** Runs the batch layer by layer (inference mode) and names the first place a NaN or Inf appears. */
export function locateNonFinite(
  model: Sequential,
  x: Tensor,
  where: { epoch: number; step: number; loss: number },
): NonFiniteReport {
  const base = { ...where };
  if (hasNonFinite(x)) {
    return {
      ...base,
      where: 'input',
      message: `the input batch holds NaN or Inf (epoch ${where.epoch}, step ${where.step}).`,
    };
  }
  let h = x;
  try {
    for (const [i, layer] of model.layers.entries()) {
      const bad = layer.weights.find((w) => hasNonFinite(w.variable));
      if (bad !== undefined) {
        return {
          ...base,
          where: 'weights',
          layer: layer.name,
          layerIndex: i,
          weight: bad.name,
          message: `layer ${i} '${layer.name}' (${layer.className}) has NaN/Inf in its weight '${bad.name}' (epoch ${where.epoch}, step ${where.step}); the previous update overflowed: lower the learning rate or clip gradients.`,
        };
      }
      const next = layer.apply(h, { training: false });
      if (h !== x) h.dispose();
      h = next;
      if (hasNonFinite(h)) {
        return {
          ...base,
          where: 'output',
          layer: layer.name,
          layerIndex: i,
          message: `layer ${i} '${layer.name}' (${layer.className}) produced NaN/Inf from finite inputs and weights (epoch ${where.epoch}, step ${where.step}); its activations overflow: lower the learning rate, normalise inputs or add batch norm.`,
        };
      }
    }
  } finally {
    if (h !== x) h.dispose();
  }
  return {
    ...base,
    where: 'loss',
    message: `every layer's output is finite but the loss is ${where.loss} (epoch ${where.epoch}, step ${where.step}); check the labels and the loss (probabilities passed as logits, log of 0).`,
  };
}

/** Thrown by `fit` when the loss turns NaN or Inf; `report` names the first layer at fault. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly report: NonFiniteReport,
    readonly history: ReadonlyArray<Record<string, number>>,
  ) {
    super(`training diverged: the loss is ${report.loss} — ${report.message}`);
    this.name = 'TrainingDivergedError';
  }
}

/** The guard itself: throws a {@link TrainingDivergedError} naming the first place at fault when `loss` is NaN/Inf. */
export function checkLossIsFinite(
  loss: number,
  model: Sequential,
  x: Tensor,
  where: { epoch: number; step: number },
  history: readonly TrainingLogs[],
): void {
  if (Number.isFinite(loss)) return;
  const report = locateNonFinite(model, x, { epoch: where.epoch, step: where.step, loss });
  throw new TrainingDivergedError(report, [...history]);
}
