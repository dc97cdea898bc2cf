/**
 * Gradient accumulation: the gradients of several consecutive batches summed, each weighted by its size,
 * and applied as one update — the gradient of the batches' union. A run with `accumulate: k` and batch
 * size b takes the updates of batch size k·b with the memory of batch size b: exactly, for a loss that is
 * a mean over examples and layers that treat each example on its own (dropout draws per batch as it
 * would; batch normalisation normalises each batch by its own statistics, as in PyTorch or Keras).
 */
import { add, dispose, mul, scalar, Tensor } from '@tensorflow/tfjs-core';
import { assertPositiveInteger, GradwellArgumentError } from '@gradwell/core';

export interface GradientAccumulator {
  /** Batches summed since the last update. */
  readonly pending: number;
  /** Adds a batch's gradients (mean over its `size` examples); the accumulator takes and frees them. */
  add(gradients: Record<string, Tensor>, size: number): void;
  /** The example-weighted mean gradient of the batches summed (the caller's to free); starts over. */
  take(): Record<string, Tensor>;
  /** Frees what is held (a run that failed inside a group). */
  dispose(): void;
}

export function createGradientAccumulator(): GradientAccumulator {
  let sums: Record<string, Tensor> = {};
  let examples = 0;
  let pending = 0;
  const scaled = (gradients: Record<string, Tensor>, factor: number): Record<string, Tensor> => {
    const weight = scalar(factor);
    try {
      return Object.fromEntries(Object.entries(gradients).map(([name, g]) => [name, mul(g, weight)]));
    } finally {
      weight.dispose();
    }
  };
  return {
    get pending() {
      return pending;
    },
    add(gradients, size) {
      try {
        assertPositiveInteger('GradientAccumulator.add', 'size', size);
        checkGradients(gradients, pending === 0 ? undefined : Object.keys(sums));
        const weighted = scaled(gradients, size);
        const next: Record<string, Tensor> = {};
        for (const [name, g] of Object.entries(weighted)) {
          const sum = sums[name];
          next[name] = sum === undefined ? g : add(sum, g);
          if (sum !== undefined) dispose([sum, g]);
        }
        sums = next;
        examples += size;
        pending++;
      } finally {
        if (gradients !== null && typeof gradients === 'object')
          dispose(Object.values(gradients).filter((g) => g instanceof Tensor));
      }
    },
    take() {
      if (pending === 0)
        throw new Error('GradientAccumulator.take: no gradients were added since the last update.');
      const mean = scaled(sums, 1 / examples);
      dispose(Object.values(sums));
      sums = {};
      examples = 0;
      pending = 0;
      return mean;
    },
    dispose() {
      dispose(Object.values(sums));
      sums = {};
      examples = 0;
      pending = 0;
    },
  };
}

/** Gradients by variable name, all tensors, and (after the group's first batch) of the same variables. */
function checkGradients(gradients: Record<string, Tensor>, names: string[] | undefined): void {
  const context = 'GradientAccumulator.add';
  const expected = 'an object of gradient tensors by variable name';
  if (gradients === null || typeof gradients !== 'object' || Array.isArray(gradients))
    throw new GradwellArgumentError(context, 'gradients', expected, gradients);
  const given = Object.keys(gradients);
  const notTensor = given.find((name) => !(gradients[name] instanceof Tensor));
  if (notTensor !== undefined)
    throw new GradwellArgumentError(context, `gradients.${notTensor}`, 'a tensor', gradients[notTensor]);
  if (names !== undefined && given.sort().join(',') !== [...names].sort().join(','))
    throw new GradwellArgumentError(
      context,
      'gradients',
      `the gradients of the variables of the group's first batch (${names.join(', ')})`,
      `gradients of ${given.join(', ')}`,
    );
}
