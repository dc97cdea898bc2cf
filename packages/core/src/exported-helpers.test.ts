/**
 * Core's exported helpers that the packages build on, called directly: the finiteness check, the
 * contract guards, serialisation of initialisers, activations and layers, the default uniform
 * initialiser, and the lists of gradients and kernels core installs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { setupBackend } from './backend/setup-backend';
import { hasInitializationHint, serializeActivation, serializeInitializer } from './contracts';
import { listGradientConfigs } from './gradients/register-gradients';
import { listTrainingKernels } from './kernels/install-training-kernels';
import { uniformInitializer } from './layers/default-initializers';
import { Dense } from './layers/dense';
import { hasPreActivation, serializeLayer } from './layers/layer';
import { flatten } from './layers/pooling';
import { createRandom } from './random';
import { assertFiniteValues } from './validation';

beforeAll(async () => {
  await setupBackend();
});

test('assertFiniteValues passes finite tensors and names NaN or ±Infinity, leaving no tensor', async () => {
  await expectNoLeakedTensors(() => {
    const fine = tf.tensor1d([0, -2, 3.5]);
    const nan = tf.tensor1d([0, Number.NaN]);
    const inf = tf.tensor2d([[Number.NEGATIVE_INFINITY]]);
    expect(() => assertFiniteValues('f', 'x', fine)).not.toThrow();
    expect(() => assertFiniteValues('f', 'x', nan)).toThrow(
      "f: argument 'x' must be a tensor of finite values (no NaN or Infinity), got a float32 tensor of shape [2]",
    );
    expect(() => assertFiniteValues('f', 'x', inf)).toThrow(/argument 'x'/);
    tf.dispose([fine, nan, inf]);
  });
});

describe('contracts', () => {
  test('hasInitializationHint: a gain and one of the three recommended initialisers', () => {
    expect(hasInitializationHint({ gain: Math.SQRT2, recommendedInit: 'heNormal' })).toBe(true);
    expect(hasInitializationHint({ gain: 1, recommendedInit: 'lecunNormal' })).toBe(true);
    expect(hasInitializationHint({ gain: 1, recommendedInit: 'orthogonal' })).toBe(false);
    expect(hasInitializationHint({ recommendedInit: 'heNormal' })).toBe(false);
    expect(hasInitializationHint(null)).toBe(false);
    expect(hasInitializationHint('heNormal')).toBe(false);
  });

  test('hasPreActivation: affine layers have one, flatten has none', () => {
    expect(hasPreActivation(new Dense({ units: 2 }))).toBe(true);
    expect(hasPreActivation(flatten())).toBe(false);
  });

  test('serialisation: { className, config } of an initialiser, an activation and a layer', () => {
    expect(serializeInitializer(uniformInitializer(-1, 1))).toEqual({
      className: 'uniform',
      config: { min: -1, max: 1 },
    });
    const relu = { name: 'relu', apply: (x: tf.Tensor) => tf.relu(x) };
    expect(serializeActivation(relu)).toEqual({ className: 'relu', config: {} });
    const leaky = { ...relu, name: 'leakyRelu', getConfig: () => ({ alpha: 0.1 }) };
    expect(serializeActivation(leaky)).toEqual({ className: 'leakyRelu', config: { alpha: 0.1 } });
    const layer = new Dense({ units: 3, name: 'out' });
    const serialized = serializeLayer(layer);
    expect(serialized.className).toBe('Dense');
    expect(serialized.config).toMatchObject({ name: 'out', units: 3 });
  });
});

test('uniformInitializer draws in [min, max) from the seeded source, and names a bad range', async () => {
  await expectNoLeakedTensors(() => {
    const init = uniformInitializer(-0.5, 0.25);
    const a = init.apply([200], createRandom(3));
    const b = init.apply([200], createRandom(3));
    const values = Array.from(a.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...values)).toBeLessThan(0.25);
    expect(Array.from(b.dataSync())).toEqual(values); // same seed, same draw
    tf.dispose([a, b]);
  });
  expect(() => uniformInitializer(1, 1)).toThrow(
    "uniformInitializer: argument 'max' must be a number > 1, got 1",
  );
  expect(() => uniformInitializer(Number.NaN, 1)).toThrow(/'min' must be a finite number/);
});

test('the lists of what core installs: gradients by kernel, once each; kernels as backend/name', () => {
  const gradients = listGradientConfigs().map((c) => c.kernelName);
  expect(new Set(gradients).size).toBe(gradients.length);
  for (const name of ['MaxPool', 'Conv2D', 'Relu', 'Softmax']) expect(gradients).toContain(name);
  const kernels = listTrainingKernels();
  expect(kernels.length).toBeGreaterThan(10);
  for (const key of kernels) expect(key).toMatch(/^(wasm|cpu)\/\w+$/);
  expect(kernels).toContain('wasm/Conv2D');
});
