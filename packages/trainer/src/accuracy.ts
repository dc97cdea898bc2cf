/**
 * Accuracy as a loss defines it: the arg-max class of a softmax against class ids or label rows, or for
 * binary cross-entropy each output's side of the threshold (logit 0, probability ½) against its label's
 * side of ½ — Keras's binary accuracy, with soft labels (0.9, 0.1) read as the class they lean to.
 * Predictions are made inside a step (one kernel) and counted on the host after it: on wasm one read of a
 * batch's predictions costs less than the kernels of comparing and summing them as tensors.
 */
import { argMax, greater, type Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteNumber } from '@gradwell/core';

/** How a loss counts correct predictions, for the accuracy `fit` and `evaluate` report. */
export interface LossAccuracy {
  /** What to keep of a batch's outputs (made inside the step, where the outputs live). */
  predict(outputs: Tensor): Tensor;
  /**
   * Correct predictions in the batch, from `predict`'s result: an example counts 1 when right, and with
   * several independent outputs (multi-label) the fraction of them it gets right.
   */
  count(labels: Tensor, predicted: Tensor): number;
}

/**
 * Correct arg-max predictions: `predicted` — class ids [n] — against class ids [n] (truncated to integers,
 * as a cast does) or one-hot/probability rows [n, k] (their arg-max).
 */
export function countCorrect(labels: Tensor, predicted: Tensor): number {
  const ids = predicted.dataSync();
  let truth: ArrayLike<number>;
  if (labels.rank === predicted.rank + 1) {
    const rows = argMax(labels, -1);
    truth = rows.dataSync();
    rows.dispose();
  } else {
    truth = labels.dataSync();
  }
  let correct = 0;
  for (let i = 0; i < ids.length; i++) if (Math.trunc(truth[i] as number) === ids[i]) correct++;
  return correct;
}

/** A softmax classifier's accuracy: the outputs' arg-max is the predicted class. */
export const argMaxAccuracy: LossAccuracy = {
  predict: (outputs) => argMax(outputs, -1),
  count: countCorrect,
};

/**
 * Binary (and multi-label) accuracy: an output predicts 1 above `threshold` (0 for logits, ½ for
 * probabilities), a label is 1 above ½; each example scores the fraction of its outputs that agree.
 */
export function binaryAccuracy(threshold: number): LossAccuracy {
  assertFiniteNumber('binaryAccuracy', 'threshold', threshold);
  return {
    predict: (outputs) => greater(outputs, threshold),
    count: (labels, predicted) => {
      const said = predicted.dataSync();
      const truth = labels.dataSync();
      const examples = predicted.shape[0] ?? 1;
      let agree = 0;
      for (let i = 0; i < said.length; i++) if ((truth[i] as number) > 0.5 === (said[i] === 1)) agree++;
      return examples === 0 ? 0 : agree / (said.length / examples);
    },
  };
}

/** The accuracy a loss reports: its own, arg-max for a classification loss without one, else none. */
export function accuracyOf(loss: {
  readonly classification: boolean;
  readonly accuracy?: LossAccuracy;
}): LossAccuracy | undefined {
  return loss.accuracy ?? (loss.classification ? argMaxAccuracy : undefined);
}
