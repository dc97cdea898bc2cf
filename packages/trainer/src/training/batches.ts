/** Batches of an epoch, the shape check of a dataset against a model, and the accuracy count: shared by fit and evaluate. */
import { argMax, cast, equal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type RandomSource, type Sequential } from '@gradwell/core';
import type { Batch, Dataset } from '../data/dataset';

/** Throws, naming `argument`, unless `data` is a dataset whose examples fit the model's input. */
export function checkData(model: Sequential, data: Dataset, argument: string, context = 'fit'): void {
  if (data === null || typeof data !== 'object' || (data.kind !== 'tensors' && data.kind !== 'stream'))
    throw new GradwellArgumentError(
      context,
      argument,
      'a dataset (tensorDataset, arrayDataset, batchStream, loadMnist)',
      data,
    );
  const built = model.getConfig().inputShape as number[] | null;
  if (built !== null && built.join(',') !== data.inputShape.join(',')) {
    throw new GradwellArgumentError(
      context,
      argument,
      `examples of shape [${built.join(', ')}] (the model's input)`,
      `examples of shape [${data.inputShape.join(', ')}]`,
    );
  }
}

/** The batches of one epoch: shuffled by `random` when asked (in-memory data), or the stream's own. */
export async function* epochBatches(
  data: Dataset,
  epoch: number,
  batchSize: number,
  shuffle: boolean,
  random: RandomSource,
): AsyncGenerator<Batch> {
  if (data.kind === 'stream') {
    for await (const batch of data.batches(epoch)) yield batch;
    return;
  }
  const order = shuffle ? random.permutation(data.size) : Int32Array.from({ length: data.size }, (_, i) => i);
  for (let start = 0; start < data.size; start += batchSize)
    yield data.batch(order.subarray(start, Math.min(start + batchSize, data.size)));
}

/** Optimiser steps per epoch (NaN for a stream, whose length is not known in advance). */
export function stepsPerEpochOf(data: Dataset, batchSize: number): number {
  return data.kind === 'tensors' ? Math.ceil(data.size / batchSize) : Number.NaN;
}

/** Correct arg-max predictions against class ids [n] or one-hot/probability rows [n, k]. */
export function correctCount(labels: Tensor, outputs: Tensor): Tensor {
  return tidy(() => {
    const predicted = argMax(outputs, -1);
    const truth = labels.rank === outputs.rank ? argMax(labels, -1) : cast(labels, 'int32');
    return sum(cast(equal(predicted, truth), 'float32'));
  });
}
