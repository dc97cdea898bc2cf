/**
 * Statistics fitted on a dataset: per-channel mean and standard deviation, streamed over batches (each
 * batch reduced by tfjs, the running sums kept in float64), for mean subtraction and per-channel
 * normalisation — "normalise data (zero mean)" so the first layer starts in the interesting zone of its
 * activation.
 */
import { add, div, mean, mul, square, sub, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange, assertTensor, assertKnownOptions, GradwellArgumentError } from '@gradwell/core';

export type Dataset = Tensor | Iterable<Tensor> | AsyncIterable<Tensor>;

/** Iterates a tensor as one batch, or the batches of an (async) iterable. */
export async function* batchesOf(dataset: Dataset): AsyncGenerator<Tensor> {
  if ('shape' in dataset) yield dataset;
  else yield* dataset as AsyncIterable<Tensor>;
}

export interface Normalizer {
  readonly mean: number[];
  readonly std: number[];
  /** (x − mean)/std per channel. */
  transform(images: Tensor): Tensor;
  /** x·std + mean. */
  inverse(images: Tensor): Tensor;
  /** x − mean (mean subtraction only). */
  subtractMean(images: Tensor): Tensor;
  toJSON(): { mean: number[]; std: number[] };
}

/**
 * A normaliser from saved statistics (`toJSON()`'s `mean` and `std`, one value per channel): finite means,
 * standard deviations > 0 (a 0 would divide by zero), as many of each. It applies to tensors whose last
 * axis has that many channels.
 */
export function normalizerFrom(meanValues: number[], stdValues: number[]): Normalizer {
  const context = 'normalizerFrom';
  const channels = Array.isArray(meanValues) ? meanValues.length : 0;
  if (channels === 0 || !meanValues.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new GradwellArgumentError(context, 'meanValues', 'a non-empty array of finite numbers', meanValues);
  if (
    !Array.isArray(stdValues) ||
    stdValues.length !== channels ||
    !stdValues.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)
  )
    throw new GradwellArgumentError(context, 'stdValues', `${channels} finite numbers > 0`, stdValues);
  const mean = [...meanValues];
  const std = [...stdValues];
  const on = (name: string, x: Tensor, f: (m: Tensor, s: Tensor) => Tensor) => {
    assertTensor(`normalizer.${name}`, 'images', x, { dtypes: ['float32'] });
    if (x.shape[x.rank - 1] !== channels)
      throw new GradwellArgumentError(
        `normalizer.${name}`,
        'images',
        `a last axis of ${channels} channels (the normaliser's)`,
        x,
      );
    return tidy(() => f(tensor1d(mean), tensor1d(std)));
  };
  return {
    mean,
    std,
    transform: (x) => on('transform', x, (m, s) => div(sub(x, m), s)),
    inverse: (x) => on('inverse', x, (m, s) => add(mul(x, s), m)),
    subtractMean: (x) => on('subtractMean', x, (m) => sub(x, m)),
    toJSON: () => ({ mean: [...mean], std: [...std] }),
  };
}

/** Fits per-channel mean and std over every batch of a dataset (channels last). */
export async function fitNormalizer(
  dataset: Dataset,
  options: { epsilon?: number } = {},
): Promise<Normalizer> {
  assertKnownOptions('fitNormalizer', options, ['epsilon']);
  const { epsilon = 1e-7 } = options;
  // > 0: a channel that is constant over the data has std 0, and the normaliser would divide by it
  assertInRange('fitNormalizer', 'epsilon', epsilon, { min: 0, minInclusive: false });
  let count = 0;
  let sums: number[] | undefined;
  let squares: number[] | undefined;
  for await (const batch of batchesOf(dataset)) {
    assertTensor('fitNormalizer', 'dataset batch', batch, { ranks: [2, 3, 4] });
    const channels = batch.shape[batch.rank - 1] as number;
    const axes = Array.from({ length: batch.rank - 1 }, (_, i) => i);
    const n = batch.size / channels;
    const [m, s] = tidy(() => [mean(batch, axes), mean(square(batch), axes)]).map((t) => {
      const values = Array.from(t.dataSync());
      t.dispose();
      return values;
    }) as [number[], number[]];
    if (!s.every(Number.isFinite))
      throw new GradwellArgumentError('fitNormalizer', 'dataset batch', 'finite values', 'NaN or ±Infinity');
    const runningSums = (sums ??= new Array<number>(channels).fill(0));
    const runningSquares = (squares ??= new Array<number>(channels).fill(0));
    if (runningSums.length !== channels)
      throw new Error(`fitNormalizer: batches have ${runningSums.length} and ${channels} channels.`);
    m.forEach((v, c) => (runningSums[c] = (runningSums[c] as number) + v * n));
    s.forEach((v, c) => (runningSquares[c] = (runningSquares[c] as number) + v * n));
    count += n;
  }
  if (sums === undefined || squares === undefined || count === 0)
    throw new Error('fitNormalizer: the dataset has no batches.');
  const means = sums.map((s) => s / count);
  const stds = squares.map((q, c) => Math.sqrt(Math.max(q / count - (means[c] as number) ** 2, 0)) + epsilon);
  return normalizerFrom(means, stds);
}
