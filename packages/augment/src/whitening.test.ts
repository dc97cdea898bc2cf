import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { symmetricEigen } from './eigen';
import { fitNormalizer } from './normalizer';
import { maxNorm, minMaxNorm, rescale, standardize } from './preprocess';
import { fitWhitening } from './whitening';

/** Correlated 4×4×3 "patches": a random mixing of independent sources, so the covariance is far from I. */
function correlatedPatches(n: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const random = createRandom(seed);
    const sources = random.normalTensor([n, 48]);
    // Identity plus a random part: clearly correlated, but well conditioned for float32 arithmetic.
    const mixing = tf.add(tf.eye(48), random.uniformTensor([48, 48], -0.2, 0.2));
    return tf.reshape(tf.add(tf.matMul(sources, mixing), 0.5), [n, 4, 4, 3]);
  });
}

function covariance(x: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const flat = tf.reshape<tf.Rank.R2>(x, [x.shape[0], -1]);
    const centred = tf.sub(flat, tf.mean(flat, 0));
    return tf.div(tf.matMul(centred, centred, true, false), flat.shape[0]).arraySync() as number[][];
  });
}

describeOnBackends('whitening and normalisation', () => {
  test.each(['pca', 'zca'] as const)(
    '%s whitening yields identity covariance within 1e-3 and inverts exactly',
    async (method) => {
      const x = correlatedPatches(4000, 1);
      const whitening = await fitWhitening(x, { method, epsilon: 0 });
      const white = whitening.transform(x);
      covariance(white).forEach((row, i) =>
        row.forEach((v, j) => expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThan(1e-3)),
      );
      const back = whitening.inverse(white);
      expect(tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]).toBeLessThan(1e-2);
      await expectNoLeakedTensors(() => whitening.transform(x).dispose());
      whitening.dispose();
      tf.dispose([x, white, back]);
    },
  );

  test('ZCA is the whitening closest to the input (closer than PCA and than a rotated ZCA)', async () => {
    const x = correlatedPatches(3000, 2);
    const zca = await fitWhitening(x, { method: 'zca', epsilon: 0 });
    const pca = await fitWhitening(x, { method: 'pca', epsilon: 0 });
    const centred = tf.sub(x, tf.mean(x, 0));
    const distance = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, centred))).dataSync()[0] as number;
    const zcaDistance = distance(zca.transform(x));
    expect(zcaDistance).toBeLessThan(distance(pca.transform(x)));
    // Any other whitening is a rotation of ZCA's output: one orthogonal Q (from the eigenvectors of a random SPD matrix).
    const random = createRandom(3);
    const m = Array.from({ length: 48 * 48 }, () => random.normal());
    const symmetric = m.map((v, k) => v + (m[(k % 48) * 48 + Math.floor(k / 48)] as number)); // M + Mᵀ
    const q = tf.tensor2d(Float32Array.from(symmetricEigen(symmetric, 48).vectors), [48, 48]);
    const rotated = tf.reshape(tf.matMul(tf.reshape(zca.transform(x), [3000, 48]), q), x.shape);
    expect(zcaDistance).toBeLessThan(distance(rotated));
  });

  test('symmetricEigen reconstructs the matrix', () => {
    const a = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
    const { values, vectors } = symmetricEigen(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++)
          v += (vectors[i * 3 + k] as number) * (values[k] as number) * (vectors[j * 3 + k] as number);
        expect(v).toBeCloseTo(a[i * 3 + j] as number, 10);
      }
    expect(values[0]).toBeGreaterThanOrEqual(values[1] as number);
  });

  test('normalisations match their formulas', async () => {
    const x = tf.tensor4d([0, 50, 100, 200, 10, 20, 30, 40], [2, 2, 2, 1]);
    expect(Array.from(maxNorm(x).dataSync())).toEqual([0, 0.25, 0.5, 1, 0.25, 0.5, 0.75, 1]);
    expectTensorsClose(maxNorm(x, { maxValue: 200 }).dataSync(), [0, 0.25, 0.5, 1, 0.05, 0.1, 0.15, 0.2]);
    expect(Array.from(minMaxNorm(x).dataSync()).map((v) => Number(v.toFixed(6)))).toEqual(
      [0, 0.25, 0.5, 1, 0, 1 / 3, 2 / 3, 1].map((v) => Number(v.toFixed(6))),
    );
    expect(Array.from(rescale(x, { factor: 255, maxValue: 200 }).dataSync())[3]).toBeCloseTo(255, 4);
    const s = standardize(x);
    const { mean, variance } = tf.moments(s, [1, 2, 3]);
    expect(Math.max(...Array.from(mean.dataSync()).map(Math.abs))).toBeLessThan(1e-5);
    expect(Array.from(variance.dataSync()).every((v) => Math.abs(v - 1) < 1e-4)).toBe(true);
    const normalizer = await fitNormalizer([tf.fill([3, 2, 2, 2], 1), tf.fill([1, 2, 2, 2], 5)]);
    expect(normalizer.mean).toEqual([2, 2]);
    expect(normalizer.std[0]).toBeCloseTo(Math.sqrt(3), 5);
    expect(
      Array.from(normalizer.inverse(normalizer.transform(tf.fill([1, 1, 1, 2], 7))).dataSync())[0],
    ).toBeCloseTo(7, 4);
    expect(() => rescale(x, { factor: 0 })).toThrow("rescale: argument 'factor' must be a number > 0, got 0");
    expect(() => minMaxNorm(x, { per: 'pixel' as 'image' })).toThrow(
      "minMaxNorm: argument 'per' must be one of 'image', 'channel'",
    );
    await expect(fitWhitening(tf.ones([1, 2]))).rejects.toThrow('at least 2 samples');
  });
});
