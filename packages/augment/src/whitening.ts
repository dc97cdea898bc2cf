/**
 * PCA and ZCA whitening (Bell & Sejnowski 1997; Krizhevsky 2009), fitted on a dataset. Every sample is
 * flattened to D features; the covariance C = E[(x − μ)(x − μ)ᵀ] is accumulated with batched matMuls (sums
 * in float64) and decomposed C = U·Λ·Uᵀ (cyclic Jacobi, float64; see eigen.ts). Then
 *
 *   PCA: x ↦ (x − μ)·U·(Λ + ε)^(−1/2)          (decorrelated, unit variance, rotated onto the components)
 *   ZCA: x ↦ (x − μ)·U·(Λ + ε)^(−1/2)·Uᵀ      (the whitening closest to the input: it rotates back)
 *
 * both with exact inverses. The lecture: whitening "removes nasty correlations" but is slow and cannot be
 * back-propagated through per layer — which is why batch norm exists; on inputs it is a fixed transform.
 */
import {
  add,
  matMul,
  mean as meanOf,
  reshape,
  sub,
  sum,
  tensor1d,
  tensor2d,
  tidy,
  type Tensor,
  type Tensor2D,
} from '@tensorflow/tfjs-core';
import { assertInRange, assertOneOf, assertTensor, assertKnownOptions } from '@gradwell/core';
import { symmetricEigen } from './eigen';
import { batchesOf, type Dataset } from './normalizer';

export interface Whitening {
  readonly method: 'pca' | 'zca';
  /** Eigenvalues of the covariance, descending. */
  readonly eigenvalues: Float64Array;
  transform(x: Tensor): Tensor;
  inverse(x: Tensor): Tensor;
  dispose(): void;
}

export async function fitWhitening(
  dataset: Dataset,
  options: { epsilon?: number; method?: 'pca' | 'zca' } = {},
): Promise<Whitening> {
  assertKnownOptions('fitWhitening', options, ['epsilon', 'method']);
  const { epsilon = 1e-5, method = 'zca' } = options;
  assertInRange('fitWhitening', 'epsilon', epsilon, { min: 0 });
  assertOneOf('fitWhitening', 'method', method, ['pca', 'zca']);
  let count = 0;
  let features = 0;
  let sums: Float64Array | undefined;
  let products: Float64Array | undefined;
  let sampleShape: number[] = [];
  // Sums are taken of x − shift, shift = the first batch's mean: the shifted-data algorithm keeps the
  // float32 products from cancelling when the data sit far from zero.
  let shift: Tensor | undefined;
  for await (const batch of batchesOf(dataset)) {
    assertTensor('fitWhitening', 'dataset batch', batch, { ranks: [2, 3, 4] });
    const n = batch.shape[0];
    sampleShape = batch.shape.slice(1);
    features = batch.size / n;
    shift ??= tidy(() => meanOf(reshape(batch, [n, features]), 0));
    const offset = shift;
    const [s, p] = tidy((): [Tensor, Tensor] => {
      const flat = sub<Tensor2D>(reshape(batch, [n, features]), offset);
      return [sum(flat, 0), matMul(flat, flat, true, false)];
    });
    sums ??= new Float64Array(features);
    products ??= new Float64Array(features * features);
    const sValues = s.dataSync();
    const pValues = p.dataSync();
    for (let i = 0; i < features; i++) sums[i] = (sums[i] as number) + (sValues[i] as number);
    for (let i = 0; i < features * features; i++)
      products[i] = (products[i] as number) + (pValues[i] as number);
    s.dispose();
    p.dispose();
    count += n;
  }
  const shiftValues = shift === undefined ? new Float32Array(0) : (shift.dataSync() as Float32Array);
  shift?.dispose();
  if (sums === undefined || products === undefined || count < 2)
    throw new Error('fitWhitening: the dataset needs at least 2 samples.');
  const shiftedMean = Float64Array.from(sums, (s) => s / count);
  const covariance = Float64Array.from(
    products,
    (p, index) =>
      p / count -
      (shiftedMean[Math.floor(index / features)] as number) * (shiftedMean[index % features] as number),
  );
  const mean = Float64Array.from(shiftedMean, (m, i) => m + (shiftValues[i] as number));
  const { values, vectors } = symmetricEigen(covariance, features);
  // Forward W (D×D, applied as x·W) and inverse V, built in float64.
  const forward = new Float64Array(features * features);
  const backward = new Float64Array(features * features);
  for (let i = 0; i < features; i++) {
    for (let j = 0; j < features; j++) {
      if (method === 'pca') {
        const u = vectors[i * features + j] as number;
        forward[i * features + j] = u / Math.sqrt(Math.max(values[j] as number, 0) + epsilon);
        backward[j * features + i] = u * Math.sqrt(Math.max(values[j] as number, 0) + epsilon);
      } else {
        let w = 0;
        let inverse = 0;
        for (let k = 0; k < features; k++) {
          const uik = vectors[i * features + k] as number;
          const ujk = vectors[j * features + k] as number;
          const lambda = Math.max(values[k] as number, 0) + epsilon;
          w += (uik * ujk) / Math.sqrt(lambda);
          inverse += uik * ujk * Math.sqrt(lambda);
        }
        forward[i * features + j] = w;
        backward[i * features + j] = inverse;
      }
    }
  }
  const meanTensor = tensor1d(Float32Array.from(mean));
  const w = tensor2d(Float32Array.from(forward), [features, features]);
  const v = tensor2d(Float32Array.from(backward), [features, features]);
  const apply = (
    x: Tensor,
    matrix: Tensor2D,
    before: (t: Tensor) => Tensor,
    after: (t: Tensor) => Tensor,
  ) => {
    assertTensor('whitening', 'x', x);
    const n = x.size / features;
    if (!Number.isInteger(n) || x.shape.slice(1).join() !== sampleShape.join()) {
      throw new Error(
        `whitening: samples must have shape [${sampleShape.join(', ')}] as when fitted, got [${x.shape.slice(1).join(', ')}]`,
      );
    }
    return tidy(() => reshape(after(matMul(before(reshape(x, [n, features])) as Tensor2D, matrix)), x.shape));
  };
  return {
    method,
    eigenvalues: values,
    transform: (x) =>
      apply(
        x,
        w,
        (t) => sub(t, meanTensor),
        (t) => t,
      ),
    inverse: (x) =>
      apply(
        x,
        v,
        (t) => t,
        (t) => add(t, meanTensor),
      ),
    dispose: () => [meanTensor, w, v].forEach((t) => t.dispose()),
  };
}
