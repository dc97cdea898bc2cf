/**
 * The quantity a step minimises: the loss of the model's output, plus the auxiliary heads' weighted
 * losses (Szegedy et al. 2015), a weight penalty on every kernel, and the confidence penalty
 * (Pereyra et al. 2017).
 */
import { add, mul, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import { confidencePenalty, type WeightPenalty } from '@gradwell/regularizers';
import type { Loss } from '../losses';
import type { ModelParts } from './model-parts';

export interface ObjectiveTerms {
  loss: Loss;
  penalty?: WeightPenalty;
  /** β of the confidence penalty; 0 or undefined for none. */
  confidencePenalty?: number;
}

/** The objective's value and the model's (main) output, from which metrics are counted. */
export interface ObjectiveValue {
  total: Scalar;
  output: Tensor;
}

/** Runs the model in training mode on a batch and adds up the objective's terms (call inside a gradient scope). */
export function createObjective(
  parts: ModelParts,
  terms: ObjectiveTerms,
): (x: Tensor, y: Tensor) => ObjectiveValue {
  const kernels = parts.trainable.filter((w) => w.variable.rank >= 2).map((w) => w.variable);
  const { loss, penalty } = terms;
  const beta = terms.confidencePenalty ?? 0;
  return (x, y) => {
    let output: Tensor;
    let total: Scalar;
    if (parts.auxiliary !== undefined) {
      const outputs = parts.auxiliary.applyWithAuxiliary(x, { training: true });
      output = outputs.main;
      total = outputs.auxiliary.reduce<Scalar>(
        (sum, head) => add(sum, mul(head.weight, loss(y, head.output))),
        loss(y, output),
      );
    } else {
      output = parts.base.apply(x, { training: true });
      total = loss(y, output);
    }
    if (penalty !== undefined && kernels.length > 0) total = add(total, penalty.penalty(kernels));
    if (beta > 0) total = add(total, confidencePenalty(output, { beta }));
    return { total, output };
  };
}
