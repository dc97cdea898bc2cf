/**
 * Exported helpers the loop and the diagnostics build on, each against a value worked out by hand:
 * per-layer gradient norms and update ratios, the share of inactive ReLU units, the kernel initialiser a
 * layer gets, the optimiser a spec resolves to, and a model read back from its layers-format artifacts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { layerGradientNorms, layerUpdateRatios } from './diagnostics';
import { inactiveShare } from './experiments/dying-relu';
import { readLayersModel, writeLayersModel } from './interop/layers-model';
import { dense } from './layers';
import { model } from './model';
import { resolveOptimizer } from './optimizers';
import { chooseKernelInitializer, resolveActivation } from './resolve';

beforeAll(async () => {
  await setupBackend();
});

const twoLayers = () =>
  model([dense({ units: 2, activation: 'relu', name: 'dense1' }), dense({ units: 1, name: 'dense2' })], {
    inputShape: [2],
    seed: 1,
  });

describe('per-layer figures', () => {
  test('layerGradientNorms: √Σg² and the element count per layer; a layer without gradients is undefined', async () => {
    const net = twoLayers();
    await expectNoLeakedTensors(() => {
      const [k1, b1, k2] = net.trainableWeights.map((w) => w.variable);
      const gradients = {
        [k1!.name]: tf.fill([2, 2], 1), // Σg² = 4
        [b1!.name]: tf.tensor1d([3, 0]), // + 9
        [k2!.name]: undefined,
      };
      expect(layerGradientNorms(net, gradients)).toEqual([{ norm: Math.sqrt(13), count: 6 }, undefined]);
      tf.dispose(Object.values(gradients).filter((g): g is tf.Tensor => g !== undefined));
    });
    net.dispose();
  });

  test('layerUpdateRatios: ‖W_after − W_before‖/‖W_before‖ per layer, from snapshots', async () => {
    const net = twoLayers();
    await expectNoLeakedTensors(() => {
      const kernel = net.trainableWeights[0]!.variable;
      const before = new Map([[kernel.name, tf.clone(kernel)]]);
      const norm = Math.sqrt(tf.tidy(() => tf.sum(tf.square(kernel)).dataSync()[0] as number));
      const moved = tf.mul(kernel, 1.5); // moves by ½ of its norm
      kernel.assign(moved);
      moved.dispose();
      const ratios = layerUpdateRatios(net, before);
      expect(ratios[0]).toBeCloseTo(0.5, 5);
      expect(ratios[1]).toBeUndefined(); // no snapshot of the second layer
      expect(norm).toBeGreaterThan(0);
      tf.dispose([...before.values()]);
    });
    net.dispose();
  });

  test('inactiveShare: the mean over hidden dense layers of the units never positive', async () => {
    const net = twoLayers();
    const [kernel, bias, kernel2, bias2] = net.trainableWeights.map((w) => w.variable);
    const values = [
      tf.tensor2d([1, 0, 1, 0], [2, 2]), // dense1: unit 0 sums the inputs, unit 1 is 0 …
      tf.tensor1d([0, -1]), // … − 1: never positive
      tf.tensor2d([1, 1], [2, 1]), // dense2: the sum again, positive for these inputs
      tf.tensor1d([0]),
    ];
    [kernel, bias, kernel2, bias2].forEach((v, i) => v!.assign(values[i]!));
    tf.dispose(values);
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    await expectNoLeakedTensors(() => {
      // dense1: 1 of 2 units never positive; dense2: 0 of 1 → mean ¼
      expect(inactiveShare(net, x)).toBe(0.25);
    });
    x.dispose();
    net.dispose();
  });
});

describe('what a layer and a run resolve to', () => {
  test('chooseKernelInitializer: the given one, else the one that pairs with the activation', () => {
    expect(chooseKernelInitializer('zeros', resolveActivation('relu')).source).toBe('given');
    const relu = chooseKernelInitializer(undefined, resolveActivation('relu'));
    expect(relu).toMatchObject({ source: 'chosen', activation: 'relu' });
    expect((relu.initializer as { className?: string }).className).toBe('heNormal');
    expect(chooseKernelInitializer(undefined, undefined)).toMatchObject({
      source: 'chosen',
      activation: 'linear',
    });
    expect(() => chooseKernelInitializer(undefined, { name: 'myOwn', apply: (t: tf.Tensor) => t })).toThrow(
      /cannot choose a kernel initialiser for activation 'myOwn'.*give 'kernelInitializer'/,
    );
  });

  test('resolveOptimizer: a name or spec makes one the run owns; an optimizer is used as given', () => {
    const made = resolveOptimizer({ name: 'sgd', learningRate: 0.5 });
    expect(made.owned).toBe(true);
    const own = tf.train.sgd(0.1);
    const given = resolveOptimizer(own);
    expect(given).toEqual({ optimizer: own, owned: false });
    expect(resolveOptimizer('adam').owned).toBe(true);
    expect(() => resolveOptimizer('adma' as never)).toThrow(/createOptimizer: argument 'name'/);
    made.optimizer.dispose();
    own.dispose();
  });

  test('readLayersModel reads back what writeLayersModel wrote: same layers, same predictions', async () => {
    const net = twoLayers();
    const artifacts = await writeLayersModel(net);
    const back = readLayersModel(artifacts);
    expect(back.layers.map((l) => l.name)).toEqual(['dense1', 'dense2']);
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0.25],
    ]);
    const [a, b] = [net.apply(x), back.apply(x)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => readLayersModel({})).toThrow();
    tf.dispose([x, a, b]);
    net.dispose();
    back.dispose();
  });
});
