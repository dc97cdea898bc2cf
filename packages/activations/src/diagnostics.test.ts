import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoLeakedTensors } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { deadUnitFraction, saturationFraction } from './diagnostics';
import { getActivation } from './registry';

describeOnBackends('diagnostics', () => {
  test('deadUnitFraction counts units ≤ 0 on the whole batch', async () => {
    // 4 units: unit 0 always ≤ 0 (dead), unit 1 positive once, unit 2 zero everywhere (dead), unit 3 alive.
    const x = tf.tensor2d([
      [-1, -2, 0, 3],
      [-0.5, 1, 0, 2],
      [-3, -1, 0, -1],
    ]);
    expect(await expectNoLeakedTensors(() => deadUnitFraction(x))).toBe(0.5);
    const conv = tf.concat([tf.fill([2, 3, 3, 1], -1), tf.fill([2, 3, 3, 1], 1)], 3);
    expect(deadUnitFraction(conv, { perChannel: true })).toBe(0.5);
    expect(() => deadUnitFraction(tf.tensor1d([1]))).toThrow(/must be a \[batch, \.\.\.units\] tensor/);
  });

  test('saturationFraction: share of inputs where |f′| < 1e-2', async () => {
    const x = tf.tensor1d([-10, -6, -1, 0, 1, 6, 10, 3]);
    // tanh′ = 1 − tanh²: below 1e-2 for |x| > 2.99 → −10, −6, 6, 10, 3 (tanh′(3) ≈ 0.0099).
    expect(await expectNoLeakedTensors(() => saturationFraction(x, getActivation('tanh')))).toBe(5 / 8);
    // σ′ ≤ 1e-2 for |x| > 4.6 → −10, −6, 6, 10.
    expect(saturationFraction(x, getActivation('sigmoid'))).toBe(4 / 8);
    expect(() => saturationFraction(x, getActivation('tanh'), { threshold: 0 })).toThrow(
      /argument 'threshold'/,
    );
    // by name too; an unknown option, or something else in the activation's place, is named
    expect(saturationFraction(x, 'tanh')).toBe(5 / 8);
    expect(() => saturationFraction(x, 'tanh', { treshold: 0.1 } as never)).toThrow(
      "saturationFraction: unknown option 'treshold' (did you mean 'threshold'?)",
    );
    expect(() => saturationFraction(x, { name: 'tanh' } as never)).toThrow(
      "saturationFraction: argument 'activation' must be an activation (getActivation('tanh')) or its name",
    );
    expect(() => saturationFraction(x, 'tahn')).toThrow(/Unknown activation 'tahn'\. Did you mean 'tanh'\?/);
    expect(() => deadUnitFraction(x, { per_channel: true } as never)).toThrow(
      "deadUnitFraction: unknown option 'per_channel' (did you mean 'perChannel'?)",
    );
  });
});
