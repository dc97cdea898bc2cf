import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { defineActivation } from './define-activation';
import {
  derivedAliases,
  getActivation,
  getActivationPlugin,
  listActivationAliases,
  listActivations,
  registerActivation,
} from './registry';

const CATALOGUE = [
  'celu',
  'elu',
  'gelu',
  'hardSigmoid',
  'hardSwish',
  'leakyRelu',
  'linear',
  'logSoftmax',
  'mish',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'step',
  'swish',
  'tanh',
];

describe('activation registry', () => {
  test('lists the whole catalogue', () => {
    for (const name of CATALOGUE) expect(listActivations()).toContain(name);
  });

  test('every registered name and alias round-trips to its own activation', () => {
    for (const name of listActivations()) expect(getActivation(name).name).toBe(name);
    for (const [alias, name] of Object.entries(listActivationAliases()))
      expect(getActivation(alias).name).toBe(name);
  });

  test('snake_case, lower-case and named aliases resolve', () => {
    expect(getActivation('leaky_relu').name).toBe('leakyRelu');
    expect(getActivation('hard_swish').name).toBe('hardSwish');
    expect(getActivation('hardswish').name).toBe('hardSwish');
    expect(getActivation('silu').name).toBe('swish');
    expect(getActivation('log_softmax').name).toBe('logSoftmax');
    expect(derivedAliases('leakyRelu')).toEqual(['leaky_relu', 'leakyrelu']);
    expect(derivedAliases('relu')).toEqual([]);
  });

  test('an unknown name lists the known ones and the nearest', () => {
    expect(() => getActivation('gleu')).toThrow(
      /Unknown activation 'gleu'\. Did you mean 'gelu'\? Known activations: celu, elu, gelu/,
    );
  });

  test('options are validated, naming the option', () => {
    expect(() => getActivation('leakyRelu', { alpha: -1 })).toThrow(
      "leakyRelu: argument 'alpha' must be a number in [0, 1], got -1",
    );
    expect(() => getActivation('gelu', { approximate: 'sigmoid' })).toThrow(
      "gelu: argument 'approximate' must be one of 'none', 'tanh'",
    );
    expect(() => getActivation('relu', { slope: 1 })).toThrow(
      "relu: unknown option 'slope'; it takes no options.",
    );
    expect(() => getActivation('elu', { alpah: 1 })).toThrow(
      "elu: unknown option 'alpah' (did you mean 'alpha'?); its options are alpha.",
    );
    // a value where the options go (Keras's LeakyReLU(0.2) habit) is named, never ignored
    expect(() => getActivation('leakyRelu', 0.2 as never)).toThrow(
      "leakyRelu: argument 'options' must be an object of options { alpha }, got 0.2",
    );
  });

  test('metadata encodes the lecture pairing table and the standard gains', () => {
    expect(getActivation('tanh')).toMatchObject({ gain: 5 / 3, recommendedInit: 'glorotUniform' });
    expect(getActivation('sigmoid')).toMatchObject({ gain: 1, recommendedInit: 'glorotUniform' });
    expect(getActivation('relu')).toMatchObject({ gain: Math.SQRT2, recommendedInit: 'heNormal' });
    expect(getActivation('leakyRelu', { alpha: 0.1 }).gain).toBeCloseTo(Math.sqrt(2 / 1.01), 12);
    expect(getActivation('leakyRelu', { alpha: 0.1 }).initOptions).toEqual({ negativeSlope: 0.1 });
    expect(getActivation('selu')).toMatchObject({ gain: 3 / 4, recommendedInit: 'lecunNormal' });
    expect(getActivation('gelu').paper?.year).toBe(2016);
  });

  test('registerActivation: a plugin registers once; duplicates, bad names and versions throw', () => {
    const bent = defineActivation({
      name: 'bentIdentityTest',
      defaults: {},
      forward: (x) => tf.add(tf.div(tf.sub(tf.sqrt(tf.add(tf.square(x), 1)), 1), 2), x),
      derivative: (x) => tf.add(tf.div(x, tf.mul(2, tf.sqrt(tf.add(tf.square(x), 1)))), 1),
      customGradient: true,
      gain: () => 1,
      recommendedInit: 'glorotUniform',
      range: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    });
    registerActivation(bent);
    expect(getActivationPlugin('bent_identity_test')).toBe(bent);
    expect(() => registerActivation(bent)).toThrow(/'bentIdentityTest' is already registered/);
    expect(() => registerActivation({ ...bent, name: 'relu' })).toThrow(/'relu' is already registered/);
    expect(() => registerActivation({ ...bent, name: 'Bad-Name' })).toThrow(/must be camelCase/);
    expect(() => registerActivation({ ...bent, specVersion: 2 as 1, name: 'futureThing' })).toThrow(
      /contract version 2/,
    );
    expect(listActivations()).not.toContain('futureThing');
  });

  test("defineActivation refuses a key the contract does not have (a plugin's `kink` for `kinks`)", () => {
    const spec = {
      name: 'kinkedTest',
      defaults: {},
      forward: (x: tf.Tensor) => tf.relu(x),
      derivative: (x: tf.Tensor) => tf.step(x),
      customGradient: false,
      gain: () => Math.SQRT2,
      recommendedInit: 'heNormal' as const,
      range: () => [0, Number.POSITIVE_INFINITY] as const,
    };
    expect(defineActivation({ ...spec, kinks: () => [0] }).name).toBe('kinkedTest');
    expect(() => defineActivation({ ...spec, kink: () => [0] } as typeof spec)).toThrow(
      "defineActivation: unknown option 'kink' (did you mean 'kinks'?)",
    );
  });
});
