import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { beforeAll, expect, test } from 'vitest';
import { initExperiment } from './init';

beforeAll(async () => {
  await setupBackend();
});

test('kernel gradients: for one linear layer, ∂Σ(xW ⊙ d)/∂W = xᵀd, in std and histogram; none unless asked', () => {
  const before = tf.memory().numTensors;
  const options = { depth: 1, width: 6, examples: 50, activations: ['linear'], schemes: ['xavier' as const] };
  const [run] = initExperiment({ ...options, seed: 3, gradients: true });
  expect(tf.memory().numTensors).toBe(before);
  // The same draws as the experiment: the input first, then the direction.
  const random = createRandom(3);
  const x = random.normalTensor([50, 6]);
  const d = random.normalTensor([50, 6]);
  const expected = tf.tidy(() => {
    const g = tf.matMul(x, d, true, false);
    return { std: Math.sqrt(tf.moments(g).variance.dataSync()[0] as number), max: tf.max(g).dataSync()[0] };
  });
  tf.dispose([x, d]);
  expect(run!.gradients).toHaveLength(1);
  expect(run!.gradients![0]!.std).toBeCloseTo(expected.std, 4);
  expect(run!.gradients![0]!.histogram.edges.at(-1)).toBeCloseTo(expected.max as number, 4);
  expect(run!.gradients![0]!.histogram.counts.reduce((a, b) => a + b)).toBe(36);
  expect(initExperiment({ ...options, seed: 3 })[0]!.gradients).toBeUndefined();
});

test('too-small weights starve every layer of gradient; Xavier keeps it (tanh)', () => {
  const runs = initExperiment({
    depth: 6,
    width: 64,
    examples: 100,
    activations: ['tanh'],
    schemes: ['tooSmall', 'xavier'],
    gradients: true,
  });
  const [small, xavier] = runs.map((run) => run.gradients!.map((g) => g.std));
  // Each kernel's gradient is (its input)ᵀ · (the error reaching it): small weights shrink the first
  // going forward and the second coming back, so every layer gets a sliver of Xavier's gradient.
  small!.forEach((std, i) => expect(std).toBeLessThan(1e-3 * xavier![i]!));
});
