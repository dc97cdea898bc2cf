/** The lecture's three figures as numbers: init too small, too big, just right (tanh, 10 layers of 256). */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, Dense, type Initializer, sequential, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { normal, uniform } from './basic';
import { initializerFor } from './gain';
import { activationStatistics, histogram } from './statistics';

/** tanh as `@gradwell/activations` describes it: range (−1, 1), Glorot with gain 5/3. */
const TANH = {
  name: 'tanh',
  apply: (x: tf.Tensor) => tf.tanh(x),
  range: [-1, 1] as const,
  gain: 5 / 3,
  recommendedInit: 'glorotUniform',
} as const;

const tanhNet = (init: Initializer) =>
  sequential(
    Array.from({ length: 10 }, () => new Dense({ units: 256, activation: TANH, kernelInitializer: init })),
    {
      inputShape: [256],
      seed: 5,
    },
  );

describe('activationStatistics', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test('too small: activations go to zero; too big: they saturate; just right: a nice spread', async () => {
    const batch = createRandom(1).normalTensor([256, 256]);
    const stats = (init: Initializer) => {
      const model = tanhNet(init);
      return expectNoLeakedTensors(() => activationStatistics(model, batch));
    };
    const small = await stats(uniform({ min: -0.01, max: 0.01 }));
    const big = await stats(normal({ std: 1 }));
    const right = await stats(initializerFor(TANH));
    expect(small[9]?.std).toBeLessThan(1e-3);
    expect(big[9]?.saturatedFraction).toBeGreaterThan(0.5);
    expect(right[9]?.std).toBeGreaterThan(0.3);
    expect(right[9]?.saturatedFraction).toBeLessThan(0.2);
    for (const layer of right) {
      expect(layer.histogram.counts.reduce((a, b) => a + b, 0)).toBe(256 * 256);
      expect(layer.histogram.edges).toHaveLength(31);
    }
    expect(right[0]).toMatchObject({ layer: 'dense', className: 'Dense', shape: [256] });
  });

  test('histogram counts each value once, in equal-width bins', () => {
    const h = histogram(tf.tensor1d([0, 0.1, 0.5, 0.9, 1]), 2);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([2, 3]);
    expect(histogram(tf.ones([4]), 3).counts).toEqual([4, 0, 0]);
  });
});
