/** The lecture's remaining studies (shared with the CLI and the web app), on small sizes. */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadMnist } from '@gradwell/datasets';
import {
  activationsExperiment,
  dyingReluExperiment,
  type ExperimentData,
  heProofExperiment,
  initExperiment,
  inputScaleExperiment,
} from '@gradwell/trainer';

let flat: ExperimentData;
beforeAll(async () => {
  await setupBackend();
  flat = {
    train: loadMnist('train', { limit: 2000, flat: true }),
    test: loadMnist('test', { limit: 500, flat: true }),
  };
});
afterAll(() => {
  flat.train.dispose();
  flat.test.dispose();
});

test('init figures: too small collapses, too big saturates tanh / explodes ReLU, Xavier and He keep the scale', () => {
  const before = tf.memory().numTensors;
  const runs = initExperiment({ depth: 8, width: 200, examples: 500, seed: 1 });
  expect(tf.memory().numTensors).toBe(before);
  const last = (activation: string, scheme: string) =>
    runs.find((r) => r.activation === activation && r.scheme === scheme)!.layers.at(-1)!;
  expect(runs).toHaveLength(8);
  expect(last('tanh', 'tooSmall').std).toBeLessThan(1e-6);
  expect(last('tanh', 'tooBig').saturatedFraction).toBeGreaterThan(0.5);
  expect(last('tanh', 'xavier').std).toBeGreaterThan(0.1);
  expect(last('tanh', 'xavier').saturatedFraction).toBeLessThan(0.1);
  expect(last('relu', 'tooBig').std).toBeGreaterThan(1e3);
  expect(last('relu', 'xavier').std).toBeLessThan(0.2);
  expect(last('relu', 'he').std).toBeGreaterThan(0.4);
  expect(last('relu', 'he').std).toBeLessThan(2.5);
  expect(last('relu', 'he').histogram.counts.reduce((a, b) => a + b)).toBe(500 * 200);
});

test('He proof: measured Var[y_L]/Var[y_1] follows ∏ ½·n·Var[w], for He and for other variances', () => {
  const he = heProofExperiment({ depth: 8, width: 256, examples: 4000, seed: 2 });
  for (const layer of he) {
    expect(layer.predicted).toBeGreaterThan(0.8);
    expect(layer.predicted).toBeLessThan(1.25);
    expect(layer.measured / layer.predicted).toBeGreaterThan(0.75);
    expect(layer.measured / layer.predicted).toBeLessThan(1.33);
  }
  const mixed = heProofExperiment({
    depth: 6,
    width: 256,
    examples: 4000,
    varianceScales: [1, 0.5, 2, 0.25],
    seed: 3,
  });
  const lastMixed = mixed.at(-1)!;
  expect(lastMixed.predicted).toBeLessThan(0.3);
  expect(lastMixed.measured / lastMixed.predicted).toBeGreaterThan(0.7);
  expect(lastMixed.measured / lastMixed.predicted).toBeLessThan(1.4);
  expect(he[0]!.fanIn).toBe(256);
});

test('activations: every one trains the same MLP, with its paired initialiser, and is timed', async () => {
  const runs = await activationsExperiment(flat, {
    activations: ['sigmoid', 'relu', 'selu'],
    epochs: 1,
    hidden: [64],
  });
  expect(runs.map((r) => r.activation)).toEqual(['sigmoid', 'relu', 'selu']);
  expect(runs.map((r) => r.initializer)).toEqual(['glorotUniform', 'heNormal', 'lecunNormal']);
  for (const r of runs) {
    expect(r.testAccuracy).toBeGreaterThan(0.5);
    expect(r.seconds).toBeGreaterThan(0);
  }
  expect(runs[1]!.deadFraction).toBeGreaterThanOrEqual(0);
  expect(runs[0]!.deadFraction).toBeUndefined();
});

test('dying ReLU: a large learning rate leaves many ReLUs inactive for every input, and costs accuracy', async () => {
  const runs = await dyingReluExperiment(flat, {
    learningRates: [0.1, 1],
    epochs: 3,
    batchSize: 32,
    hidden: [128, 128],
    seed: 1,
  });
  const at = (activation: string, lr: number) =>
    runs.find((r) => r.activation === activation && r.learningRate === lr)!;
  console.log(
    runs
      .map(
        (r) =>
          `${r.activation}@${r.learningRate}: inactive ${r.deadByEpoch.map((d) => d.toFixed(2)).join('→')} acc ${r.testAccuracy.toFixed(3)}`,
      )
      .join('; '),
  );
  expect(at('relu', 1).deadByEpoch.at(-1)!).toBeGreaterThan(at('relu', 0.1).deadByEpoch.at(-1)! + 0.2);
  expect(at('relu', 0.1).testAccuracy).toBeGreaterThan(0.8);
  expect(at('relu', 1).testAccuracy).toBeLessThan(at('relu', 0.1).testAccuracy);
});

test('input scale: accuracy and confidence fall as the digits are enlarged past the training size', async () => {
  const images = { train: loadMnist('train', { limit: 3000 }), test: loadMnist('test', { limit: 200 }) };
  const result = await inputScaleExperiment(images, {
    factors: [1, 1.5, 3, 5],
    epochs: 3,
    examples: 200,
    seed: 1,
  });
  console.log(
    result.rows
      .map(
        (r) =>
          `${r.factor}×: acc ${r.accuracy.toFixed(2)} top3 ${r.top3.toFixed(2)} p ${r.confidence.toFixed(2)}`,
      )
      .join('; '),
  );
  const [one, , three, five] = result.rows;
  expect(one!.accuracy).toBeGreaterThan(0.7);
  expect(five!.accuracy).toBeLessThan(one!.accuracy - 0.2);
  expect(three!.confidence).toBeLessThan(one!.confidence);
  expect(five!.top3).toBeGreaterThanOrEqual(five!.accuracy);
  images.train.dispose();
  images.test.dispose();
});
