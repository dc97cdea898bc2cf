/** The lecture's studies on small MNIST subsets: each checks the effect the paper reports. */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadMnist } from '@gradwell/datasets';
import {
  depthExperiment,
  dropoutExperiment,
  earlyStoppingExperiment,
  expectedCalibrationError,
  type ExperimentData,
  labelSmoothingExperiment,
} from '@gradwell/trainer';

let small: ExperimentData;
beforeAll(async () => {
  await setupBackend();
  small = {
    train: loadMnist('train', { limit: 2000, flat: true }),
    test: loadMnist('test', { limit: 1000, flat: true }),
  };
});
afterAll(() => {
  small.train.dispose();
  small.test.dispose();
});

test('30-layer ReLU MLP: He trains, Xavier stalls at chance (He et al. 2015, Fig. 3)', async () => {
  const before = tf.memory().numTensors;
  const result = await depthExperiment(small, { epochs: 10, seed: 1 });
  expect(tf.memory().numTensors).toBe(before);
  console.log(
    `depth: He loss ${result.he.finalLoss.toFixed(3)} acc ${result.he.testAccuracy}; Xavier loss ${result.xavier.finalLoss.toFixed(3)} acc ${result.xavier.testAccuracy}`,
  );
  expect(result.he.finalLoss).toBeLessThan(1.5);
  expect(result.he.finalLoss).toBeLessThan(result.he.curve[0]!.loss - 0.8);
  expect(result.he.testAccuracy).toBeGreaterThan(0.45);
  expect(result.xavier.finalLoss).toBeGreaterThan(2.25);
  expect(result.xavier.testAccuracy).toBeLessThan(0.2);
  expect(result.he.curve.length).toBeGreaterThan(5);
});

test('dropout shrinks the train/test gap on a small training subset', async () => {
  const data = { train: loadMnist('train', { limit: 1000, flat: true }), test: small.test };
  const result = await dropoutExperiment(data, { epochs: 40, seed: 2 });
  console.log(
    `dropout: gap with ${result.withDropout.gap.toFixed(3)} without ${result.withoutDropout.gap.toFixed(3)}; test ${result.withDropout.testAccuracy} vs ${result.withoutDropout.testAccuracy}; test loss ${result.withDropout.testLoss.toFixed(3)} vs ${result.withoutDropout.testLoss.toFixed(3)}`,
  );
  expect(result.withoutDropout.trainAccuracy).toBeGreaterThan(0.99);
  expect(result.withDropout.gap).toBeLessThan(result.withoutDropout.gap);
  expect(result.withDropout.testAccuracy).toBeGreaterThanOrEqual(result.withoutDropout.testAccuracy);
  expect(result.withDropout.testLoss).toBeLessThan(0.9 * result.withoutDropout.testLoss);
  data.train.dispose();
});

test('label smoothing ε = 0.1: less over-confident at about the same accuracy', async () => {
  const result = await labelSmoothingExperiment(small, { epochs: 8, seed: 3 });
  console.log(
    `smoothing: confidence ${result.smoothed.meanConfidence.toFixed(3)} vs ${result.plain.meanConfidence.toFixed(3)}; acc ${result.smoothed.testAccuracy} vs ${result.plain.testAccuracy}; ECE ${result.smoothed.calibrationError.toFixed(3)} vs ${result.plain.calibrationError.toFixed(3)}`,
  );
  expect(result.smoothed.meanConfidence).toBeLessThan(result.plain.meanConfidence - 0.03);
  expect(Math.abs(result.smoothed.testAccuracy - result.plain.testAccuracy)).toBeLessThan(0.03);
  // the reliability bins hold the whole test set; their weighted gaps are the calibration error
  for (const run of [result.smoothed, result.plain]) {
    expect(run.reliability.reduce((n, b) => n + b.count, 0)).toBe(small.test.size);
    const gaps = run.reliability.reduce(
      (e, b) => (b.count === 0 ? e : e + (b.count / small.test.size) * Math.abs(b.accuracy! - b.confidence!)),
      0,
    );
    expect(gaps).toBeCloseTo(run.calibrationError, 12);
    expect(run.nll).toBeGreaterThan(0);
  }
});

test('early stopping stops once the validation loss rises and restores the best epoch', async () => {
  const data = { train: loadMnist('train', { limit: 500, flat: true }), test: small.test };
  const result = await earlyStoppingExperiment(data, { patience: 2, maxEpochs: 30, seed: 4 });
  console.log(
    `early stopping: best epoch ${result.bestEpoch}, stopped ${result.stoppedEpoch}, restored ${result.restoredValLoss.toFixed(4)}, full ${result.fullRun.valLoss.toFixed(4)}`,
  );
  expect(result.stoppedEpoch).toBeGreaterThan(result.bestEpoch);
  expect(result.stoppedEpoch).toBeLessThan(29);
  expect(result.restoredValLoss).toBeCloseTo(Math.min(...result.valLoss), 5);
  expect(result.lastValLoss).toBeGreaterThan(result.restoredValLoss);
  expect(result.fullRun.valLoss).toBeGreaterThan(result.restoredValLoss);
  expect(result.stopReason).toMatch(/early stopping/);
  data.train.dispose();
});

test('expected calibration error: closed form on a hand-made case', () => {
  // two examples in the 0.9 bin (one right) and one in the 0.6 bin (right): (2/3)|0.5 − 0.9| + (1/3)|1 − 0.6|
  const p = tf.tensor2d([
    [0.9, 0.1],
    [0.9, 0.1],
    [0.4, 0.6],
  ]);
  const y = tf.tensor1d([0, 1, 1], 'int32');
  expect(expectedCalibrationError(p, y, 10)).toBeCloseTo((2 / 3) * 0.4 + (1 / 3) * 0.4, 6);
  expect(() => expectedCalibrationError(p, y, 0)).toThrow(/bins/);
  // one-hot rows count as their arg-max (they were compared value by value with the predicted ids)
  const rows = tf.oneHot(y, 2);
  expect(expectedCalibrationError(p, rows, 10)).toBeCloseTo((2 / 3) * 0.4 + (1 / 3) * 0.4, 6);
  tf.dispose([p, y, rows]);
});

test('expected calibration error names what it cannot read', () => {
  const p = tf.tensor2d([
    [0.9, 0.1],
    [0.4, 0.6],
  ]);
  const logits = tf.tensor2d([
    [2, -1],
    [0.4, 0.6],
  ]);
  const negative = tf.tensor2d([
    [-0.2, 1.2],
    [0.4, 0.6],
  ]);
  const y = tf.tensor1d([0, 1], 'int32');
  const short = tf.tensor1d([0], 'int32');
  const none = tf.zeros([0, 2]);
  const ece = expectedCalibrationError;
  expect(() => ece(logits, y)).toThrow(
    /^expectedCalibrationError: argument 'probabilities' must be values in \[0, 1\].*got "2 at index 0"/,
  );
  // a negative confidence indexed a bin below 0: a TypeError before
  expect(() => ece(negative, y)).toThrow(/'probabilities' must be values in \[0, 1\]/);
  expect(() => ece(p, short)).toThrow(
    /^expectedCalibrationError: argument 'labels' must be \[2\] class ids or \[2, 2\] rows/,
  );
  expect(() => ece(none, short)).toThrow(/'probabilities' must be at least one example/);
  expect(() => ece(tf.tensor1d([0.5]) as never, y)).toThrow(/'probabilities'/);
  tf.dispose([p, logits, negative, y, short, none]);
});
