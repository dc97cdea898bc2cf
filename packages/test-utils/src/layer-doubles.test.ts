import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { expect, test } from 'vitest';
import { describeOnBackends } from './backends';
import { constantInitializer, testActivations } from './layer-doubles';

describeOnBackends('layer doubles', () => {
  test('constantInitializer fills every weight with its value and writes it in its config', () => {
    const weights = constantInitializer(0.25).apply([2, 3], createRandom(1));
    expect(weights.shape).toEqual([2, 3]);
    expect(Array.from(weights.dataSync())).toEqual(Array<number>(6).fill(0.25));
    expect(constantInitializer(0.25).getConfig?.()).toEqual({ value: 0.25 });
    weights.dispose();
  });

  test('testActivations: ReLU (fusable) and tanh', () => {
    const x = tf.tensor1d([-1, 0, 2]);
    const [r, t] = [testActivations.relu.apply(x), testActivations.tanh.apply(x)];
    expect(Array.from(r.dataSync())).toEqual([0, 0, 2]);
    expect(t.dataSync()[2]).toBeCloseTo(Math.tanh(2), 6);
    expect(testActivations.relu.fused).toBe('relu');
    tf.dispose([x, r, t]);
  });
});
