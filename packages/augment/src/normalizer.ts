/**
 * Statistics fitted on a dataset: per-channel mean and standard deviation, streamed over batches (each
 * batch reduced by tfjs, the running sums kept in float64), for mean subtraction and per-channel
 * normalisation — "normalise data (zero mean)" so the first layer starts in the interesting zone of its
 * activation.
 */
import { add, div, mean, mul, square, sub, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertTensor, assertKnownOptions } from '@gradwell/core';

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

export function normalizerFrom(meanValues: number[], stdValues: number[]): Normalizer {
  const broadcast = (values: number[]) => tensor1d(values);
  return {
    mean: meanValues,
    std: stdValues,
    transform: (x) => tidy(() => div(sub(x, broadcast(meanValues)), broadcast(stdValues))),
    inverse: (x) => tidy(() => add(mul(x, broadcast(stdValues)), broadcast(meanValues))),
    subtractMean: (x) => tidy(() => sub(x, broadcast(meanValues))),
    toJSON: () => ({ mean: meanValues, std: stdValues }),
  };
}

/** Fits per-channel mean and std over every batch of a dataset (channels last). */
export async function fitNormalizer(
  dataset: Dataset,
  options: { epsilon?: number } = {},
): Promise<Normalizer> {
  assertKnownOptions('fitNormalizer', options, ['epsilon']);
  const { epsilon = 1e-7 } = options;
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
