/**
 * Batch-norm statistics re-estimated after training (PreciseBN; Wu & Johnson 2021, "Rethinking 'Batch' in
 * BatchNorm"; PyTorch's `swa_utils.update_bn`). The running mean and variance a batch-norm layer keeps in
 * training are a moving average over the last ~1/(1 − momentum) batches, each taken with the weights of its
 * own step: in a short run, or after the weights are averaged (`fit({ averaging })`), they no longer describe
 * what the layer sees with the final weights, and inference normalises with the wrong scale. This pass runs
 * the finished network over training examples in training mode — no gradient, no update — and sets each
 * running statistic to its mean over every batch (the variance: the batches' unbiased variances weighted by
 * their sizes).
 */
import { clone, dispose, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertKnownOptions,
  assertPositiveInteger,
  createRandom,
  GradwellArgumentError,
  type Layer,
  type Sequential,
} from '@gradwell/core';
import type { Dataset } from './data/dataset';
import { checkData, epochBatches } from './training/batches';
import { randomStateful } from './training/random-stateful';
import { yieldToEventLoop } from './util';

export interface BatchNormEstimateOptions {
  /** Examples per forward pass; default 256. */
  batchSize?: number;
  /** Use the first this many examples (default: all of them). */
  examples?: number;
}

export interface BatchNormEstimate {
  /** The layers whose statistics were re-estimated. */
  layers: string[];
  /** Examples run through the network. */
  examples: number;
}

interface EstimatingLayer extends Layer {
  beginStatisticsEstimate(): void;
  endStatisticsEstimate(): number;
}

const estimates = (layer: Layer): layer is EstimatingLayer =>
  typeof (layer as Partial<EstimatingLayer>).beginStatisticsEstimate === 'function';

/**
 * Re-estimates the running statistics of every batch-norm (batch-renorm, mean-only) layer of `model` over
 * `data`.
 * Dropout layers draw as in training but their random states are put back, so a run goes on as it would
 * have; if anything fails, the statistics are put back too. A last batch of one example is left out (a
 * batch-norm layer over features cannot measure a variance from it). Returns the layers and the examples
 * used.
 */
export async function estimateBatchNormStatistics(
  model: Sequential,
  data: Dataset,
  options: BatchNormEstimateOptions = {},
): Promise<BatchNormEstimate> {
  const context = 'estimateBatchNormStatistics';
  assertKnownOptions(context, options, ['batchSize', 'examples'], { batch_size: 'batchSize' });
  const { batchSize = 256, examples: limit } = options;
  assertPositiveInteger(context, 'batchSize', batchSize);
  if (limit !== undefined) assertPositiveInteger(context, 'examples', limit);
  checkData(model, data, 'data', context);
  const layers = model.layers.filter(estimates);
  if (layers.length === 0)
    throw new GradwellArgumentError(
      context,
      'model',
      'a model with batch-norm layers (running statistics to re-estimate)',
      `layers ${model.layers.map((l) => l.className).join(', ')}`,
    );
  const saved = layers.flatMap((l) => l.nonTrainableWeights).map((w) => [w, clone(w.variable)] as const);
  const random = randomStateful(model.layers).map((l) => [l, l.getRandomState()] as const);
  for (const layer of layers) layer.beginStatisticsEstimate();
  let seen = 0;
  try {
    for await (const batch of epochBatches(data, 0, batchSize, false, createRandom(0))) {
      const take = Math.min(batch.x.shape[0], (limit ?? Number.POSITIVE_INFINITY) - seen);
      if (take < 2) {
        dispose([batch.x, batch.y]); // one example has no variance to measure
        break;
      }
      tidy(() => {
        const x = take < batch.x.shape[0] ? slice(batch.x, 0, take) : batch.x;
        model.apply(x, { training: true });
      });
      dispose([batch.x, batch.y]);
      seen += take;
      if (seen === limit) break;
      await yieldToEventLoop();
    }
  } catch (error) {
    for (const [w, value] of saved) w.variable.assign(value);
    throw error;
  } finally {
    for (const layer of layers) layer.endStatisticsEstimate();
    for (const [layer, state] of random) layer.setRandomState(state);
    dispose(saved.map(([, value]) => value as Tensor));
  }
  return { layers: layers.map((l) => l.name), examples: seen };
}
