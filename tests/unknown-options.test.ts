/**
 * An option a function does not take is an error naming it, never ignored: TypeScript refuses such a key
 * in a literal, JavaScript (plugins, the browser, scripts) passed `{ activaton: 'relu' }` silently. Every
 * layer class of every package, the initialisers, and the trainer's entry points that take options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Maxout, PRelu, SRelu, getActivation } from '@gradwell/activations';
import { BatchNorm, BatchRenorm, GroupNorm, LayerNorm, type BatchNormArgs } from '@gradwell/batchnorm';
import {
  ActivationLayer,
  AvgPool2d,
  Conv2d,
  Dense,
  DepthwiseConv2d,
  Flatten,
  GlobalAveragePool,
  MaxPool2d,
  setupBackend,
  type DenseArgs,
} from '@gradwell/core';
import { getInitializer, listInitializers } from '@gradwell/init';
import {
  DropConnectDense,
  DropoutLayer,
  EarlyStopping,
  type EarlyStoppingOptions,
} from '@gradwell/regularizers';
import { cnnPreset, createOptimizer, fit, mlpPreset, spirals } from '@gradwell/trainer';
import { beforeAll, describe, expect, test } from 'vitest';

beforeAll(async () => {
  await setupBackend({ backend: 'cpu' });
});

/** Calls `make` with `args` as JavaScript would: no type check on the keys. */
const loose =
  <A>(make: (args: A) => unknown, args: Record<string, unknown>) =>
  () =>
    make(args as unknown as A);

const LAYERS: Array<[string, (args: never) => unknown, Record<string, unknown>]> = [
  ['Dense', (a) => new Dense(a), { units: 3 }],
  ['Conv2d', (a) => new Conv2d(a), { filters: 2, kernelSize: 3 }],
  ['DepthwiseConv2d', (a) => new DepthwiseConv2d(a), { kernelSize: 3 }],
  ['MaxPool2d', (a) => new MaxPool2d(a), {}],
  ['AvgPool2d', (a) => new AvgPool2d(a), {}],
  ['GlobalAveragePool', (a) => new GlobalAveragePool(a), {}],
  ['Flatten', (a) => new Flatten(a), {}],
  ['Activation', (a) => new ActivationLayer(getActivation('relu'), a), {}],
  ['BatchNorm', (a) => new BatchNorm(a), {}],
  ['BatchRenorm', (a) => new BatchRenorm(a), {}],
  ['GroupNorm', (a) => new GroupNorm(a), {}],
  ['LayerNorm', (a) => new LayerNorm(a), {}],
  ['Dropout', (a) => new DropoutLayer('dropout', a), { rate: 0.5 }],
  ['SpatialDropout', (a) => new DropoutLayer('spatial', a), { rate: 0.5 }],
  ['GaussianDropout', (a) => new DropoutLayer('gaussian', a), { rate: 0.5 }],
  ['AlphaDropout', (a) => new DropoutLayer('alpha', a), { rate: 0.5 }],
  ['DropConnectDense', (a) => new DropConnectDense(a), { units: 3, rate: 0.5 }],
  ['Maxout', (a) => new Maxout(a), { units: 3 }],
  ['PRelu', (a) => new PRelu(a), {}],
  ['SRelu', (a) => new SRelu(a), {}],
];

describe('unknown options are refused, naming the option and the known ones', () => {
  test.each(LAYERS)('%s', (className, make, args) => {
    expect(make({ ...args, name: 'x' } as never)).toBeDefined();
    expect(() => make({ ...args, notAnOption: 1 } as never)).toThrow(
      new RegExp(`^${className}: unknown option 'notAnOption'; its options are name\\b`),
    );
  });

  test('a typo gets the nearest option', () => {
    expect(loose((a: DenseArgs) => new Dense(a), { units: 3, activaton: getActivation('relu') })).toThrow(
      "Dense: unknown option 'activaton' (did you mean 'activation'?)",
    );
    expect(loose((a: BatchNormArgs) => new BatchNorm(a), { momentun: 0.9 })).toThrow(
      "BatchNorm: unknown option 'momentun' (did you mean 'momentum'?)",
    );
  });

  test('every initialiser', () => {
    for (const name of listInitializers())
      expect(() => getInitializer(name, { notAnOption: 1 }), name).toThrow(
        `${name}: unknown option 'notAnOption'`,
      );
  });

  test('presets, optimisers, early stopping', () => {
    expect(loose(mlpPreset, { hiden: [8] })).toThrow(
      "mlpPreset: unknown option 'hiden' (did you mean 'hidden'?)",
    );
    expect(loose(cnnPreset, { hidden: [8] })).toThrow("cnnPreset: unknown option 'hidden'");
    expect(loose(cnnPreset, { batchnorm: true })).toThrow(
      "cnnPreset: unknown option 'batchnorm' (did you mean 'batchNorm'?)",
    );
    expect(loose(createOptimizer, { name: 'adam', lr: 0.1 })).toThrow(
      "createOptimizer: unknown option 'lr' (did you mean 'learningRate'?)",
    );
    expect(loose((o: EarlyStoppingOptions) => new EarlyStopping(o), { patince: 3 })).toThrow(
      "earlyStopping: unknown option 'patince' (did you mean 'patience'?)",
    );
    expect(loose((o: EarlyStoppingOptions) => new EarlyStopping(o), { restore_best_weights: true })).toThrow(
      "earlyStopping: unknown option 'restore_best_weights' (did you mean 'restoreBestWeights'?)",
    );
  });

  test('fit: before anything is built, trained or allocated', async () => {
    const model = mlpPreset({ inputShape: [2], classes: 3, hidden: [4] });
    const data = spirals({ classes: 3, pointsPerClass: 10, seed: 1 });
    const before = tf.memory().numTensors;
    await expect(fit(model, data, { epochs: 1, batch_size: 8 } as never)).rejects.toThrow(
      "fit: unknown option 'batch_size' (did you mean 'batchSize'?)",
    );
    // a tensor where the options go (Keras's fit(x, y, …) order) is named as such
    const notOptions = tf.zeros([2]);
    await expect(fit(model, data, notOptions as never)).rejects.toThrow(
      "fit: argument 'options' must be an object of options, got a float32 tensor",
    );
    notOptions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    model.dispose();
  });
});
