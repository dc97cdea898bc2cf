/**
 * Softmax cross-entropy from logits, per example, as one op: −Σ_k labels · logSoftmax(logits) along the
 * last axis. Up to LOOP_VALUES logits on the wasm and cpu backends it is gradwell's
 * `GradwellSoftmaxCrossEntropy` kernel, whose gradient is one kernel too (kernels/softmax-cross-entropy.ts:
 * a classifier's logits, where the composition's ~25 kernel calls a step cost more than their work);
 * elsewhere tfjs's composition. The labels' gradient (−dy · logSoftmax(logits), for labels that are
 * themselves computed) is tfjs's composition.
 */
import {
  cast,
  engine,
  expandDims,
  getBackend,
  getKernel,
  logSoftmax,
  mul,
  neg,
  sum,
  type GradConfig,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
} from '@tensorflow/tfjs-core';
import { GradwellArgumentError, assertTensor } from '../validation';
import {
  LOOP_VALUES,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
} from '../kernels/softmax-cross-entropy';

const CONTEXT = 'softmaxCrossEntropyWithLogits';

/**
 * The cross-entropy of softmax(logits) against `labels`, one value per example (row): labels are [n, k]
 * rows (one-hot, smoothed or any distribution; int32 is cast to float32), logits float32 [n, k].
 */
export function softmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor1D {
  assertTensor(CONTEXT, 'logits', logits, { ranks: [2], dtypes: ['float32'] });
  assertTensor(CONTEXT, 'labels', labels, { ranks: [2], dtypes: ['float32', 'int32'] });
  if (labels.shape[0] !== logits.shape[0] || labels.shape[1] !== logits.shape[1])
    throw new GradwellArgumentError(
      CONTEXT,
      'labels',
      `[${logits.shape.join(', ')}], the logits' shape`,
      labels,
    );
  const rows = labels.dtype === 'float32' ? labels : cast(labels, 'float32');
  try {
    if (logits.size > LOOP_VALUES || getKernel(SOFTMAX_CROSS_ENTROPY, getBackend()) === undefined)
      return neg(sum(mul(rows, logSoftmax(logits as Tensor2D)), 1)) as Tensor1D;
    return engine().runKernel<Tensor1D>(SOFTMAX_CROSS_ENTROPY, { labels: rows, logits });
  } finally {
    if (rows !== labels) rows.dispose();
  }
}

export const softmaxCrossEntropyGradConfig: GradConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  inputsToSave: ['labels', 'logits'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [labels, logits] = saved as [Tensor2D, Tensor2D];
    return {
      logits: () => engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as Tensor, labels, logits }),
      labels: () => mul(expandDims(neg(dy as Tensor), 1), logSoftmax(logits)),
    };
  },
};
