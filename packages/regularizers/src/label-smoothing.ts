/**
 * Label smoothing (Szegedy et al. 2016): train towards ŷ = (1 − ε)·y + ε·u, u uniform over the K classes —
 * the lecture's example: y = [0, 0, 1, 0], ε = 0.04 → [0.01, 0.01, 0.97, 0.01]. And the softmax
 * cross-entropy it goes with, computed from logits as Σ ŷ·(logsumexp − logit) (stable at logits of ±1000;
 * core's `softmaxCrossEntropyWithLogits`).
 */
import { add, cast, mean, mul, oneHot, sub, sum, tidy } from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertOneOf,
  assertTensor,
  GradwellArgumentError,
  softmaxCrossEntropyWithLogits,
  assertKnownOptions,
} from '@gradwell/core';

/**
 * (1 − ε)·y + ε/K for one-hot (or probability) rows y over the last axis, computed as a·y + b·(1 − y) with
 * a = 1 − ε + ε/K and b = ε/K rounded once from float64: one-hot entries come out exactly as the
 * formula's values in float32 (the lecture's 0.97 and 0.01, not 0.96 + 0.01 rounded twice).
 */
export function smoothLabels(labels: Tensor, epsilon: number): Tensor {
  assertTensor('smoothLabels', 'labels', labels, { dtypes: ['float32', 'int32'] });
  if (labels.rank < 1 || labels.shape[labels.rank - 1] === 0)
    throw new GradwellArgumentError(
      'smoothLabels',
      'labels',
      'rows of at least one class (rank ≥ 1)',
      labels,
    );
  assertInRange('smoothLabels', 'epsilon', epsilon, { min: 0, max: 1 });
  const classes = labels.shape[labels.rank - 1] as number;
  const off = epsilon / classes;
  const on = 1 - epsilon + off;
  return tidy(() => add(mul(labels, on), mul(sub(1, labels), off)));
}

export interface CrossEntropyOptions {
  /** ε of label smoothing; default 0. */
  labelSmoothing?: number;
  /** 'mean' over the batch (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
}

/**
 * Softmax cross-entropy from logits [N, K] with integer labels [N] (int32) or one-hot / probability rows
 * [N, K]: −Σ ŷ·log softmax(logits), averaged over the batch.
 */
export function softmaxCrossEntropy(
  labels: Tensor,
  logits: Tensor,
  options: CrossEntropyOptions = {},
): Scalar {
  assertKnownOptions('softmaxCrossEntropy', options, ['labelSmoothing', 'reduction']);
  const { labelSmoothing = 0, reduction = 'mean' } = options;
  assertTensor('softmaxCrossEntropy', 'logits', logits, { ranks: [2], dtypes: ['float32'] });
  assertTensor('softmaxCrossEntropy', 'labels', labels, { ranks: [1, 2] });
  assertInRange('softmaxCrossEntropy', 'labelSmoothing', labelSmoothing, { min: 0, max: 1 });
  assertOneOf('softmaxCrossEntropy', 'reduction', reduction, ['mean', 'sum']);
  const [n, classes] = logits.shape as [number, number];
  if (classes < 2)
    throw new GradwellArgumentError(
      'softmaxCrossEntropy',
      'logits',
      'logits over at least 2 classes (a softmax over one is 1 and the loss 0 whatever the weights; ' +
        'for one yes/no output use a sigmoid cross-entropy)',
      logits,
    );
  if (labels.shape[0] !== n || (labels.rank === 2 && labels.shape[1] !== classes)) {
    throw new GradwellArgumentError(
      'softmaxCrossEntropy',
      'labels',
      `[${n}] class ids or [${n}, ${classes}] rows matching the logits`,
      labels,
    );
  }
  // Class ids are integers: a float id (2.5) would be truncated without a word.
  if (labels.rank === 1 && labels.dtype !== 'int32')
    throw new GradwellArgumentError(
      'softmaxCrossEntropy',
      'labels',
      'int32 class ids (or [N, K] rows)',
      labels,
    );
  if (labels.rank === 1 && n > 0) {
    // Read back and scanned here: a min and a max kernel and their read cost ≈ 20× more per training step.
    const ids = labels.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    if (lo < 0 || hi >= classes)
      throw new GradwellArgumentError(
        'softmaxCrossEntropy',
        'labels',
        `class ids in [0, ${classes})`,
        `ids from ${lo} to ${hi}`,
      );
  }
  return tidy(() => {
    const target = labels.rank === 1 ? oneHot(cast(labels, 'int32'), classes) : labels;
    const smoothed = labelSmoothing > 0 ? smoothLabels(target, labelSmoothing) : target;
    // core's op: one kernel each way for a classifier's logits, tfjs's composition for larger ones
    const rows = smoothed.dtype === 'float32' ? smoothed : cast(smoothed, 'float32');
    const perExample = softmaxCrossEntropyWithLogits(rows, logits);
    return reduction === 'sum' ? sum(perExample) : mean(perExample);
  });
}
