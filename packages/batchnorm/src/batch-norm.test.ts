/**
 * Batch norm against a float64 closed-form reference on fixed inputs, dense [6, 3] and NHWC [2, 3, 3, 2]:
 * forward, dx, dγ, dβ (fused and autodiff) and the running-statistics update, to 1e-5.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { batchNorm, normalizeBatchInTraining } from './batch-norm';
import { batchNormalization } from './batch-norm-layer';

const EPSILON = 1e-3;

interface Reference {
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
  mean: number[];
  variance: number[];
}

/** Float64 BN over all axes but the last, with upstream gradient dy. */
function reference(x: number[], dy: number[], gamma: number[], beta: number[], channels: number): Reference {
  const m = x.length / channels;
  const out: Reference = { y: [], dx: [], dGamma: [], dBeta: [], mean: [], variance: [] };
  const xHat = new Array<number>(x.length);
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = c; i < x.length; i += channels) mean += x[i] as number;
    mean /= m;
    let variance = 0;
    for (let i = c; i < x.length; i += channels) variance += ((x[i] as number) - mean) ** 2;
    variance /= m;
    const inverse = 1 / Math.sqrt(variance + EPSILON);
    let sumDy = 0;
    let sumDyXHat = 0;
    for (let i = c; i < x.length; i += channels) {
      xHat[i] = ((x[i] as number) - mean) * inverse;
      out.y[i] = (gamma[c] as number) * (xHat[i] as number) + (beta[c] as number);
      sumDy += dy[i] as number;
      sumDyXHat += (dy[i] as number) * (xHat[i] as number);
    }
    for (let i = c; i < x.length; i += channels) {
      out.dx[i] =
        (((gamma[c] as number) * inverse) / m) *
        (m * (dy[i] as number) - sumDy - (xHat[i] as number) * sumDyXHat);
    }
    out.dGamma[c] = sumDyXHat;
    out.dBeta[c] = sumDy;
    out.mean[c] = mean;
    out.variance[c] = variance;
  }
  return out;
}

const CASES: Array<[string, number[]]> = [
  ['dense [6, 3]', [6, 3]],
  ['NHWC [2, 3, 3, 2]', [2, 3, 3, 2]],
];

describeOnBackends('batch normalisation against the float64 closed form', () => {
  test.each(
    CASES.flatMap(([name, shape]) =>
      (['fused', 'autodiff'] as const).map((g) => [`${name} ${g}`, shape, g] as const),
    ),
  )('%s: y, dx, dγ, dβ', async (_name, shape, gradient) => {
    const random = createRandom(11);
    const size = shape.reduce((a, b) => a * b, 1);
    const channels = shape[shape.length - 1] as number;
    const xs = Array.from({ length: size }, () => random.uniform(-2, 3));
    const dys = Array.from({ length: size }, () => random.uniform(-1, 1));
    const gammas = Array.from({ length: channels }, () => random.uniform(0.5, 2));
    const betas = Array.from({ length: channels }, () => random.uniform(-1, 1));
    const expected = reference(xs, dys, gammas, betas, channels);
    const [x, dy, gamma, beta] = [
      tf.tensor(xs, shape),
      tf.tensor(dys, shape),
      tf.tensor1d(gammas),
      tf.tensor1d(betas),
    ];
    await expectNoLeakedTensors(() => {
      const { y, mean, variance } = normalizeBatchInTraining(x, undefined, {
        gamma,
        beta,
        epsilon: EPSILON,
        gradient,
      });
      const [dx, dGamma, dBeta] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            normalizeBatchInTraining(a, undefined, { gamma: g, beta: b, epsilon: EPSILON, gradient }).y,
            dy,
          ),
        ),
      )([x, gamma, beta]);
      const tolerance = { rtol: 1e-5, atol: 1e-5 };
      expectTensorsClose(y.dataSync(), expected.y, tolerance);
      expectTensorsClose(mean.dataSync(), expected.mean, tolerance);
      expectTensorsClose(variance.dataSync(), expected.variance, tolerance);
      expectTensorsClose((dx as tf.Tensor).dataSync(), expected.dx, tolerance);
      expectTensorsClose((dGamma as tf.Tensor).dataSync(), expected.dGamma, tolerance);
      expectTensorsClose((dBeta as tf.Tensor).dataSync(), expected.dBeta, tolerance);
      tf.dispose([y, mean, variance, dx, dGamma, dBeta]);
    });
    tf.dispose([x, dy, gamma, beta]);
  });

  test.each(CASES)(
    '%s: the layer updates running statistics with the unbiased variance (Algorithm 2)',
    (_name, shape) => {
      const random = createRandom(12);
      const size = shape.reduce((a, b) => a * b, 1);
      const channels = shape[shape.length - 1] as number;
      const m = size / channels;
      const xs = Array.from({ length: size }, () => random.uniform(-2, 3));
      const { mean, variance } = reference(
        xs,
        new Array<number>(size).fill(0),
        new Array<number>(channels).fill(1),
        new Array<number>(channels).fill(0),
        channels,
      );
      const layer = batchNormalization({ momentum: 0.9 });
      const x = tf.tensor(xs, shape);
      layer.apply(x, { training: true }).dispose();
      const [, , movingMean, movingVariance] = layer.weights.map((w) => w.variable);
      expectTensorsClose(
        movingMean as tf.Tensor,
        mean.map((mu) => 0.1 * mu),
        { rtol: 1e-5, atol: 1e-6 },
      );
      expectTensorsClose(
        movingVariance as tf.Tensor,
        variance.map((v) => 0.9 + 0.1 * v * (m / (m - 1))),
        { rtol: 1e-5, atol: 1e-6 },
      );
      x.dispose();
    },
  );

  test('inference uses only the running statistics', () => {
    const layer = batchNormalization({ momentum: 0.5 });
    const random = createRandom(3);
    for (let i = 0; i < 5; i++)
      layer.apply(random.uniformTensor([16, 4], -1, 3), { training: true }).dispose();
    const [gamma, beta, movingMean, movingVariance] = layer.weights.map((w): tf.Tensor => w.variable);
    const probe = tf.tensor2d([
      [1, 2, 3, 4],
      [0, 0, 0, 0],
    ]);
    const expected = batchNorm(probe, {
      mean: movingMean as tf.Tensor,
      variance: movingVariance as tf.Tensor,
      gamma,
      beta,
      epsilon: 1e-3,
    });
    expectTensorsClose(layer.apply(probe), expected);
    // An example's inference output does not depend on the rest of the batch.
    const alone = layer.apply(tf.slice(probe, [0, 0], [1, 4]));
    expectTensorsClose(alone, tf.slice(expected, [0, 0], [1, 4]));
    expect(layer.nonTrainableWeights.map((w) => w.name)).toEqual([
      'batchNorm/movingMean',
      'batchNorm/movingVariance',
    ]);
  });

  test('errors: a batch of one in training, a channel mismatch, a wrong rank, bad hyper-parameters', () => {
    const layer = batchNormalization();
    expect(() => layer.apply(tf.ones([1, 3]), { training: true })).toThrow(
      /training needs at least 2 values per feature.*got 1/,
    );
    layer.apply(tf.ones([4, 3]), { training: true });
    expect(() => layer.apply(tf.ones([4, 5]))).toThrow(
      /weights are for 3 channels in a rank-2 input, got an input of per-example shape \[5\]/,
    );
    expect(() => batchNormalization().apply(tf.ones([2, 3, 4]))).toThrow(
      /must be dense \[batch, channels\] or NHWC/,
    );
    expect(() => batchNormalization({ momentum: 1 })).toThrow(
      "batchNorm: argument 'momentum' must be a number in [0, 1), got 1",
    );
    expect(() => batchNormalization({ epsilon: 0 })).toThrow(
      "argument 'epsilon' must be a number > 0, got 0",
    );
  });
});

describeOnBackends('re-estimating the running statistics (PreciseBN)', () => {
  test('between begin and end, each batch counts by its size: the mean of all, the weighted unbiased variances', () => {
    const layer = batchNormalization({ momentum: 0.9 });
    layer.build([2]);
    const a = [
      [1, 10],
      [3, 14],
    ];
    const b = [
      [5, 0],
      [7, 2],
      [9, 4],
      [11, 6],
    ];
    layer.beginStatisticsEstimate();
    for (const rows of [a, b]) tf.tidy(() => layer.apply(tf.tensor2d(rows), { training: true }));
    expect(layer.endStatisticsEstimate()).toBe(6);
    const [mean, variance] = layer.nonTrainableWeights.map((w) => Array.from(w.variable.dataSync()));
    expectCloseTo(mean!, [(1 + 3 + 5 + 7 + 9 + 11) / 6, (10 + 14 + 0 + 2 + 4 + 6) / 6]);
    // unbiased: a's variances 2 and 8, b's 20/3 and 20/3; weighted by 2 and 4 of 6
    expectCloseTo(variance!, [(2 * 2 + 4 * (20 / 3)) / 6, (2 * 8 + 4 * (20 / 3)) / 6]);
    // after the estimate, training moves them by 1 − momentum again
    tf.tidy(() => layer.apply(tf.tensor2d(a), { training: true }));
    const after = Array.from(layer.nonTrainableWeights[0]!.variable.dataSync());
    expectCloseTo(after, [0.9 * (36 / 6) + 0.1 * 2, 0.9 * (36 / 6) + 0.1 * 12]);
    layer.dispose();
  });
});

function expectCloseTo(got: number[], want: number[]): void {
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
}
