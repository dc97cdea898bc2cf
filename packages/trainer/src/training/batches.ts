/** Batches of an epoch and the checks of a dataset against a model: shared by fit and evaluate. */
import { dispose } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type RandomSource, type Sequential } from '@gradwell/core';
import type { Batch, Dataset } from '../data/dataset';
import type { Loss } from '../losses';

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

/**
 * Throws, naming `argument`, unless the labels suit the loss and the (built) model's output: for a
 * classification loss at least two outputs (a softmax over one is 1, its loss 0 whatever the weights) and,
 * in memory, class ids in [0, outputs) or rows of `outputs` values; for a loss with a `labelRange`
 * (binary cross-entropy: [0, 1]), in-memory labels inside it. A stream's labels are checked as they come.
 */
export function checkLabels(
  model: Sequential,
  data: Dataset,
  loss: Pick<Loss, 'name' | 'classification' | 'labelRange'>,
  argument: string,
  context = 'fit',
): void {
  const outputs = model.computeOutputShape(data.inputShape).at(-1) as number;
  if (loss.classification && outputs < 2)
    throw GradwellArgumentError.because(
      context,
      'loss',
      `argument 'loss' (${loss.name}) takes a softmax over the outputs, and the model has one output: its softmax is 1 and ` +
        "the loss 0 whatever the weights. For a yes/no task use loss: 'binaryCrossEntropy' on one logit, " +
        'or give the model one output per class.',
      loss.name,
    );
  if (data.kind !== 'tensors') return;
  const range = loss.labelRange;
  const labels = data.labelRange;
  if (range !== undefined && labels !== undefined && (labels[0] < range[0] || labels[1] > range[1]))
    throw new GradwellArgumentError(
      context,
      argument,
      `labels in [${range[0]}, ${range[1]}] (the targets of ${loss.name})`,
      `labels from ${labels[0]} to ${labels[1]}`,
    );
  if (!loss.classification) return;
  if (data.classIds !== undefined) {
    const bad = data.classIds.findIndex((id) => id >= outputs);
    if (bad >= 0)
      throw new GradwellArgumentError(
        context,
        argument,
        `class ids in [0, ${outputs}) (the model has ${outputs} outputs)`,
        `the label ${data.classIds[bad]} of example ${bad}`,
      );
  } else if (data.labelShape.length === 1 && data.labelShape[0] !== outputs) {
    throw new GradwellArgumentError(
      context,
      argument,
      `label rows of ${outputs} values (the model has ${outputs} outputs)`,
      `rows of ${data.labelShape[0]}`,
    );
  }
}

/**
 * The batches of one epoch: shuffled by `random` when asked (in-memory data), or the stream's own; from
 * batch `first` on (the ones before are skipped, as a resumed epoch needs: a stream's are read and freed).
 */
export async function* epochBatches(
  data: Dataset,
  epoch: number,
  batchSize: number,
  shuffle: boolean,
  random: RandomSource,
  first = 0,
  labels?: { classes: number; context: string },
): AsyncGenerator<Batch> {
  if (data.kind === 'stream') {
    let index = 0;
    for await (const batch of data.batches(epoch)) {
      if (index++ < first) {
        dispose([batch.x, batch.y]);
        continue;
      }
      // A stream's labels are only seen batch by batch: checked as they come.
      if (labels !== undefined) checkBatchLabels(batch, labels, data.name, epoch, index - 1);
      yield batch;
    }
    return;
  }
  const order = shuffle ? random.permutation(data.size) : Int32Array.from({ length: data.size }, (_, i) => i);
  for (let start = first * batchSize; start < data.size; start += batchSize)
    yield data.batch(order.subarray(start, Math.min(start + batchSize, data.size)));
}

/** Class ids of a streamed batch below `classes`, or a named error (the batch is freed first). */
function checkBatchLabels(
  batch: Batch,
  { classes, context }: { classes: number; context: string },
  name: string,
  epoch: number,
  index: number,
): void {
  if (batch.y.rank !== 1) return;
  const ids = batch.y.dataSync();
  const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= classes);
  if (bad < 0) return;
  const label = ids[bad];
  dispose([batch.x, batch.y]);
  throw new GradwellArgumentError(
    context,
    'data',
    `class ids in [0, ${classes}) (the model has ${classes} outputs)`,
    `the label ${label} of example ${bad} of batch ${index} (epoch ${epoch}) of stream '${name}'`,
  );
}

/** Optimiser steps per epoch (NaN for a stream, whose length is not known in advance). */
export function stepsPerEpochOf(data: Dataset, batchSize: number): number {
  return data.kind === 'tensors' ? Math.ceil(data.size / batchSize) : Number.NaN;
}
