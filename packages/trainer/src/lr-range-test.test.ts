import { GradwellArgumentError, setupBackend } from '@gradwell/core';
import * as tf from '@tensorflow/tfjs-core';
import { dropoutLayer } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { blobs } from './data/synthetic';
import { dense } from './layers';
import {
  learningRateRangeTest,
  rangeTestRate,
  steepestDescent,
  type LearningRatePoint,
} from './lr-range-test';
import { model } from './model';

beforeAll(async () => {
  await setupBackend();
});

const net = () =>
  model(
    [
      dense({ units: 32, activation: 'relu', name: 'h' }),
      dropoutLayer({ rate: 0.2, seed: 3, name: 'drop' }),
      dense({ units: 4, name: 'out' }),
    ],
    { inputShape: [8], seed: 2 },
  );

describe('learningRateRangeTest', () => {
  test('sweeps η geometrically, smooths with the debiased average, suggests a rate, and puts the model back bit-exactly', async () => {
    const data = blobs({ classes: 4, pointsPerClass: 50, dimensions: 8, seed: 1 });
    const m = net();
    m.build([8]);
    const before = m.weights.map((w) => Array.from(w.variable.dataSync()));
    const drop = m.layers[1] as unknown as { getRandomState(): unknown };
    const randomBefore = JSON.stringify(drop.getRandomState());
    const result = await expectNoLeakedTensors(() =>
      learningRateRangeTest(m, data, {
        steps: 40,
        minLearningRate: 1e-5,
        maxLearningRate: 1,
        seed: 4,
        batchSize: 16,
      }),
    );
    expect(m.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(before);
    expect(JSON.stringify(drop.getRandomState())).toBe(randomBefore);
    const n = result.points.length;
    expect(n).toBeGreaterThan(10);
    result.points.forEach((p, i) => {
      expect(p.learningRate).toBeCloseTo(1e-5 * 1e5 ** (i / 39), 12);
    });
    // The smoothed loss is the debiased exponential moving average of the batch losses (β = 0.98).
    let average = 0;
    result.points.forEach((p, i) => {
      average = 0.98 * average + 0.02 * p.loss;
      expect(p.smoothedLoss).toBeCloseTo(average / (1 - 0.98 ** (i + 1)), 10);
    });
    expect(result.suggested).toBeGreaterThan(1e-5);
    expect(result.suggested).toBeLessThanOrEqual(result.minimum.learningRate);
    expect(result.minimum.smoothedLoss).toBe(Math.min(...result.points.map((p) => p.smoothedLoss)));
    // Seeded: the same again.
    const again = await learningRateRangeTest(m, data, {
      steps: 40,
      minLearningRate: 1e-5,
      maxLearningRate: 1,
      seed: 4,
      batchSize: 16,
    });
    expect(again.points).toEqual(result.points);
    m.dispose();
    data.dispose();
  });

  test('with accumulate, a point per update: batches of 8 in pairs sweep as batches of 16', async () => {
    // 200 examples: 13 batches of 16 (the last of 8) an epoch, or 25 of 8 in 13 groups (the last alone)
    const data = blobs({ classes: 4, pointsPerClass: 50, dimensions: 8, seed: 1 });
    const plain = () =>
      model([dense({ units: 32, activation: 'relu' }), dense({ units: 4 })], { inputShape: [8], seed: 2 });
    const sweep = { steps: 30, minLearningRate: 1e-4, maxLearningRate: 0.1, seed: 4 };
    const [a, b] = [plain(), plain()];
    const large = await learningRateRangeTest(a, data, { ...sweep, batchSize: 16 });
    const accumulated = await expectNoLeakedTensors(() =>
      learningRateRangeTest(b, data, { ...sweep, batchSize: 8, accumulate: 2 }),
    );
    expect(accumulated.points).toHaveLength(30);
    expect(large.points).toHaveLength(30);
    accumulated.points.forEach((p, i) => {
      const q = large.points[i]!;
      expect(p.learningRate).toBe(q.learningRate);
      expect(p.loss).toBeCloseTo(q.loss, 5);
    });
    expect(accumulated.suggested).toBe(large.suggested);
    await expect(learningRateRangeTest(b, data, { accumulate: 0 })).rejects.toThrow(/'accumulate'/);
    a.dispose();
    b.dispose();
    data.dispose();
  });

  test('stops when the loss blows up', async () => {
    const data = blobs({ classes: 4, pointsPerClass: 50, dimensions: 8, seed: 1 });
    const m = net();
    const result = await learningRateRangeTest(m, data, {
      steps: 100,
      minLearningRate: 1e-3,
      maxLearningRate: 1e6,
      optimizer: 'sgd',
      seed: 1,
    });
    expect(result.diverged).toBe(true);
    expect(result.points.length).toBeLessThan(100);
    expect(Number.isFinite(result.suggested)).toBe(true);
    m.dispose();
    data.dispose();
  });

  test('steepestDescent finds the steepest fall of a known curve before its minimum', () => {
    // smoothed = −tanh(log10 η + 3) + (log10 η + 3 > 2 ? (log10 η + 1)² : 0): steepest at log10 η = −3
    const points: LearningRatePoint[] = Array.from({ length: 61 }, (_, i) => {
      const x = -6 + i * 0.1;
      const y = -Math.tanh(x + 3) + (x > -1 ? (x + 1) ** 2 * 10 : 0);
      return { learningRate: 10 ** x, loss: y, smoothedLoss: y };
    });
    expect(Math.log10(points[steepestDescent(points)]!.learningRate)).toBeCloseTo(-3, 6);
    expect(rangeTestRate(0, 1e-7, 10, 100)).toBe(1e-7);
    expect(rangeTestRate(99, 1e-7, 10, 100)).toBeCloseTo(10, 10);
  });

  test('bad options name the argument; nothing is trained', async () => {
    const data = blobs({ classes: 4, pointsPerClass: 5, dimensions: 8, seed: 1 });
    const m = net();
    await expect(learningRateRangeTest(m, data, { minLearningRate: 0 })).rejects.toThrow(/'minLearningRate'/);
    await expect(
      learningRateRangeTest(m, data, { minLearningRate: 1, maxLearningRate: 0.1 }),
    ).rejects.toThrow(/'maxLearningRate'/);
    await expect(learningRateRangeTest(m, data, { steps: 3 })).rejects.toThrow(/'steps'.*at least 5/);
    await expect(learningRateRangeTest(m, data, { smoothing: 1 })).rejects.toThrow(/'smoothing'/);
    await expect(learningRateRangeTest(m, data, { divergenceFactor: 1 })).rejects.toThrow(
      /'divergenceFactor'/,
    );
    const optimizer = tf.train.sgd(0.1);
    await expect(learningRateRangeTest(m, data, { optimizer })).rejects.toThrow(GradwellArgumentError);
    optimizer.dispose();
    const wrong = blobs({ classes: 4, pointsPerClass: 5, dimensions: 3, seed: 1 });
    await expect(learningRateRangeTest(m, wrong)).rejects.toThrow(/inputShape|shape/);
    wrong.dispose();
    m.dispose();
    data.dispose();
  });
});
