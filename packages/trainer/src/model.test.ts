import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { batchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer } from '@gradwell/regularizers';
import { preluLayer } from '@gradwell/activations';
import { beforeAll, describe, expect, test } from 'vitest';
import { activation, conv2d, dense, dropConnect, initializerChoiceOf, maxout } from './layers';
import { layerRegistry, model, modelFromConfig } from './model';
import { flatten, maxPool2d } from '@gradwell/core';

beforeAll(async () => {
  await setupBackend();
});

describe('layers by name', () => {
  test('the activation resolves through the registry and the initialiser pairs with it', () => {
    const relu = dense({ units: 4, activation: 'relu' });
    const tanh = dense({ units: 4, activation: 'tanh' });
    const selu = dense({ units: 4, activation: 'selu' });
    const linear = dense({ units: 4 });
    expect(relu.activation?.name).toBe('relu');
    expect(initializerChoiceOf(relu)).toMatchObject({ source: 'chosen', activation: 'relu' });
    expect(relu.kernelInitializer.className).toBe('heNormal');
    expect(tanh.kernelInitializer.className).toBe('glorotUniform');
    expect(tanh.kernelInitializer.getConfig()).toMatchObject({ gain: 5 / 3 });
    expect(selu.kernelInitializer.className).toBe('lecunNormal');
    expect(linear.kernelInitializer.className).toBe('glorotUniform');
    const leaky = dense({ units: 4, activation: { name: 'leakyRelu', options: { alpha: 0.2 } } });
    expect(leaky.kernelInitializer.getConfig()).toMatchObject({ negativeSlope: 0.2 });
  });

  test('a given initialiser wins and is reported as given', () => {
    const layer = dense({
      units: 3,
      activation: 'relu',
      kernelInitializer: 'glorotNormal',
      biasInitializer: { name: 'constant', options: { value: 0.1 } },
    });
    expect(layer.kernelInitializer.className).toBe('glorotNormal');
    expect(initializerChoiceOf(layer)?.source).toBe('given');
    expect(layer.biasInitializer.getConfig()).toMatchObject({ value: 0.1 });
    const conv = conv2d({ filters: 2, kernelSize: 3, activation: 'gelu' });
    expect(conv.activation?.name).toBe('gelu');
    expect(dropConnect({ units: 2, rate: 0.5, activation: 'relu' }).kernelInitializer.className).toBe(
      'heNormal',
    );
    expect(maxout({ units: 2 }).kernelInitializer.className).toBe('glorotUniform');
    expect(activation('elu').activation.name).toBe('elu');
  });

  test('unknown names fail with the known ones listed', () => {
    expect(() => dense({ units: 2, activation: 'rleu' })).toThrow(/relu/);
    expect(() => dense({ units: 2, kernelInitializer: 'heNormall' })).toThrow(/heNormal/);
    const custom = { name: 'cube', apply: (x: tf.Tensor) => tf.pow(x, 3) };
    expect(() => dense({ units: 2, activation: custom })).toThrow(/activation 'cube'.*kernelInitializer/s);
    expect(dense({ units: 2, activation: custom, kernelInitializer: 'lecunNormal' }).activation).toBe(custom);
  });
});

describe('model and summary', () => {
  test('summary lists layers, output shapes, parameter counts and the chosen initialisers', async () => {
    await expectNoLeakedTensors(() => {
      const m = model(
        [
          dense({ units: 16, activation: 'relu', name: 'hidden' }),
          batchNormalization(),
          dropoutLayer({ rate: 0.5 }),
          dense({ units: 3, name: 'out' }),
        ],
        { inputShape: [4], seed: 1 },
      );
      const s = m.summary();
      expect(s.rows.map((r) => r.name)).toEqual(['hidden', 'batchNorm', 'dropout', 'out']);
      expect(s.rows[0]).toMatchObject({
        outputShape: [16],
        params: 4 * 16 + 16,
        initializer: 'heNormal (chosen for relu)',
      });
      expect(s.rows[1]?.params).toBe(4 * 16);
      expect(s.rows[1]?.trainableParams).toBe(2 * 16);
      expect(s.rows[3]).toMatchObject({
        outputShape: [3],
        params: 16 * 3 + 3,
        initializer: 'glorotUniform (chosen for linear)',
      });
      expect(s.totalParams).toBe(80 + 64 + 51);
      expect(s.trainableParams).toBe(80 + 32 + 51);
      expect(s.text).toContain('heNormal (chosen for relu)');
      expect(s.text).toContain('total params 195 (trainable 163)');
      m.dispose();
    });
  });

  test('summary of an unbuilt model explains what to do', () => {
    const m = model([dense({ units: 2 })]);
    expect(() => m.summary()).toThrow(/inputShape/);
  });

  test('config round trip: every technique layer rebuilds, and weights copied give equal outputs', async () => {
    await expectNoLeakedTensors(() => {
      const m = model(
        [
          conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
          maxPool2d({ poolSize: 2 }),
          flatten(),
          dense({ units: 8, activation: 'gelu' }),
          preluLayer(),
          batchNormalization(),
          dropoutLayer({ rate: 0.3, seed: 4 }),
          dropConnect({ units: 6, rate: 0.2, activation: 'tanh' }),
          maxout({ units: 4, pieces: 3 }),
          dense({ units: 2 }),
        ],
        { inputShape: [6, 6, 1], seed: 2 },
      );
      const json = JSON.parse(JSON.stringify(m.getConfig())) as Record<string, unknown>;
      const copy = modelFromConfig(json, 5);
      expect(copy.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
      copy.weights.forEach((w, i) => w.variable.assign(m.weights[i]!.variable));
      const x = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 9);
      const a = m.apply(x);
      const b = copy.apply(x);
      expectTensorsClose(b, a, { atol: 1e-6 });
      tf.dispose([x, a, b]);
      m.dispose();
      copy.dispose();
    });
  });

  test('the layer registry knows the layers of every package', () => {
    const names = layerRegistry().list();
    for (const n of [
      'Dense',
      'Conv2d',
      'PRelu',
      'SRelu',
      'Maxout',
      'Dropout',
      'DropConnectDense',
      'BatchNorm',
      'LayerNorm',
      'GroupNorm',
      'BatchRenorm',
    ])
      expect(names).toContain(n);
  });

  test('modelFromConfig rejects what is not a model config', () => {
    expect(() => modelFromConfig({ nope: 1 })).toThrow(/model config/);
    expect(() =>
      modelFromConfig({ layers: [{ className: 'Dense2', config: {} }], inputShape: null }),
    ).toThrow(/Dense/);
  });
});
