/**
 * The bad-input sweep over @gradwell/trainer (see @gradwell/test-utils' sweep.ts): the layer builders by
 * name, models and presets, datasets, losses, optimisers and schedules, clipping, fit / evaluate / predict,
 * diagnostics, the stall detector and the learning-rate range test.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { listActivations } from '@gradwell/activations';
import { runSweep, type Arg, type SweepTarget, type TensorArg } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { blobs, spirals } from './data/synthetic';
import { splitDataset, subset, tensorDataset, type TensorDataset } from './data/dataset';
import { evaluate, predict } from './evaluate';
import { clipByGlobalNorm } from './gradient-clipping';
import { conv2d, dense } from './layers';
import { getLoss, listLosses, softmaxCrossEntropy } from './losses';
import { learningRateRangeTest } from './lr-range-test';
import { model, type Model } from './model';
import { createOptimizer, disposeOptimizer, OPTIMIZER_NAMES } from './optimizers';
import { cnnPreset, mlpPreset } from './presets';
import { cosineDecay, exponentialDecay, linearWarmup, stepDecay } from './schedules';
import { stallDetector } from './stall-detector';
import { diagnoseModel } from './training/diagnose';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

const small = (): Model =>
  model([dense({ units: 4, activation: 'relu', name: 'h' }), dense({ units: 3, name: 'out' })], {
    inputShape: [2],
    seed: 1,
  });
const fixedModel: Arg = { kind: 'fixed', name: 'model', make: small, dispose: (m) => (m as Model).dispose() };
const fixedData: Arg = {
  kind: 'fixed',
  name: 'data',
  make: (r) => blobs({ classes: 3, pointsPerClass: 8, seed: r.nextSeed() % 1000 }),
  dispose: (d) => (d as TensorDataset).dispose(),
};
const features: TensorArg = {
  kind: 'tensor',
  name: 'x',
  ranks: [2],
  fixed: { 1: 2 },
  nonFinite: 'accepted',
  empty: 'accepted',
};

const targets: SweepTarget[] = [
  {
    name: 'dense',
    args: [
      {
        kind: 'options',
        name: 'spec',
        fields: [
          { kind: 'number', name: 'units', min: 1, max: 6, integer: true },
          {
            kind: 'name',
            name: 'activation',
            known: listActivations().filter((a) => a !== 'softmax' && a !== 'logSoftmax'),
            optional: true,
          },
          {
            kind: 'name',
            name: 'kernelInitializer',
            known: ['heNormal', 'glorotUniform', 'lecunNormal', 'zeros'],
          },
        ],
      },
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (spec, x) => {
      const layer = dense(spec as { units: number });
      try {
        return layer.apply(x as tf.Tensor);
      } finally {
        layer.dispose();
      }
    },
  },
  {
    name: 'conv2d',
    args: [
      {
        kind: 'options',
        name: 'spec',
        fields: [
          { kind: 'number', name: 'filters', min: 1, max: 4, integer: true },
          { kind: 'number', name: 'kernelSize', min: 1, max: 3, integer: true },
          { kind: 'name', name: 'activation', known: ['relu', 'tanh', 'gelu'] },
        ],
      },
      { kind: 'tensor', name: 'x', ranks: [4], dims: [3, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (spec, x) => {
      const layer = conv2d(spec as { filters: number; kernelSize: number });
      try {
        return layer.apply(x as tf.Tensor);
      } finally {
        layer.dispose();
      }
    },
  },
  {
    name: 'mlpPreset',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'classes', min: 1, max: 5, integer: true },
          { kind: 'number', name: 'dropout', min: 0, max: 0.9, optional: true },
          { kind: 'number', name: 'seed', integer: true, optional: true },
          { kind: 'name', name: 'activation', known: ['relu', 'tanh', 'elu'], optional: true },
          { kind: 'choice', name: 'batchNorm', values: [true, false], optional: true },
        ],
      },
    ],
    call: (o) => {
      const m = mlpPreset({ ...(o as object), hidden: [4], inputShape: [3] });
      const count = m.weights.length;
      m.dispose();
      return count;
    },
  },
  {
    name: 'cnnPreset',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'classes', min: 1, max: 5, integer: true },
          { kind: 'number', name: 'dropout', min: 0, max: 0.9, optional: true },
        ],
      },
    ],
    call: (o) => {
      const m = cnnPreset({ ...(o as object), inputShape: [28, 28, 1] });
      const count = m.weights.length;
      m.dispose();
      return count;
    },
  },
  {
    name: 'tensorDataset',
    args: [
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5] },
      {
        kind: 'tensor',
        name: 'y',
        ranks: [1],
        dtype: 'int32',
        values: [0, 2],
        fixed: { 0: { of: 'x', axis: 0 } },
      },
    ],
    // The dataset takes its tensors over; a refusal leaves them the caller's.
    call: (x, y) => {
      const live = (t: unknown) => t instanceof tf.Tensor && !t.isDisposed;
      const cx = live(x) ? (x as tf.Tensor).clone() : x;
      const cy = live(y) ? (y as tf.Tensor).clone() : y;
      try {
        const data = tensorDataset(cx as tf.Tensor, cy as tf.Tensor);
        const size = data.size;
        data.dispose();
        return size;
      } catch (error) {
        for (const t of [cx, cy]) if (live(t)) (t as tf.Tensor).dispose();
        throw error;
      }
    },
  },
  {
    name: 'spirals',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'classes', min: 1, max: 4, integer: true, optional: true },
          {
            kind: 'number',
            name: 'pointsPerClass',
            min: 1,
            max: 10,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'noise', min: 0, max: 1, rangeSpoils: false, optional: true },
          { kind: 'number', name: 'seed', integer: true, optional: true },
        ],
      },
    ],
    call: (o) => {
      const data = spirals(o as Record<string, number>);
      const size = data.size;
      data.dispose();
      return size;
    },
  },
  {
    name: 'splitDataset',
    args: [
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'validation', min: 0.1, max: 0.9, rangeSpoils: false },
          { kind: 'number', name: 'seed', integer: true, optional: true },
        ],
      },
    ],
    call: (d, o) => {
      const { train, validation } = splitDataset(d as TensorDataset, o as { validation: number });
      const sizes = [train.size, validation.size];
      train.dispose();
      validation.dispose();
      return sizes;
    },
    check: (sizes) => expect((sizes as number[])[0]! + (sizes as number[])[1]!).toBe(24),
  },
  {
    name: 'subset',
    args: [
      fixedData,
      { kind: 'number', name: 'start', min: 0, max: 10, integer: true },
      { kind: 'number', name: 'count', min: 1, max: 10, integer: true },
    ],
    call: (d, start, count) => {
      const part = subset(d as TensorDataset, start as number, count as number);
      const size = part.size;
      part.dispose();
      return size;
    },
  },
  {
    name: 'getLoss',
    args: [{ kind: 'name', name: 'name', known: listLosses() }],
    call: (name) => getLoss(name as string).name,
  },
  {
    name: 'softmaxCrossEntropy',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'labelSmoothing', min: 0, max: 0.99, optional: true }],
      },
      {
        kind: 'tensor',
        name: 'labels',
        ranks: [1],
        dtype: 'int32',
        values: [0, 2],
        fixed: { 0: { of: 'outputs', axis: 0 } },
      },
      {
        kind: 'tensor',
        name: 'outputs',
        aliases: ['logits'],
        ranks: [2],
        fixed: { 1: 3 },
        nonFinite: 'accepted',
      },
    ],
    call: (o, y, z) => softmaxCrossEntropy(o as { labelSmoothing?: number })(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'createOptimizer',
    args: [
      {
        kind: 'options',
        name: 'spec',
        fields: [
          { kind: 'name', name: 'name', known: OPTIMIZER_NAMES },
          {
            kind: 'number',
            name: 'learningRate',
            min: 0,
            minInclusive: false,
            max: 1,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'weightDecay', min: 0, max: 0.1, rangeSpoils: false, optional: true },
        ],
      },
    ],
    call: (spec) => {
      const optimizer = createOptimizer(spec as { name: 'adam' });
      disposeOptimizer(optimizer);
      return true;
    },
  },
  {
    name: 'stepDecay',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
          { kind: 'number', name: 'factor', min: 0, minInclusive: false, max: 1 },
          { kind: 'number', name: 'every', min: 1, max: 5, integer: true, rangeSpoils: false },
        ],
      },
      { kind: 'number', name: 'step', min: 0, max: 100, integer: true, rangeSpoils: false },
    ],
    call: (o, step) => stepDecay(o as { initial: number; every: number }).rate(step as number, 10),
    check: (rate) => expect(Number.isFinite(rate as number)).toBe(true),
  },
  {
    name: 'cosineDecay',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
          { kind: 'number', name: 'totalSteps', min: 1, max: 100, integer: true, rangeSpoils: false },
        ],
      },
    ],
    call: (o) => cosineDecay(o as { initial: number; totalSteps: number }).rate(3, 10),
  },
  {
    name: 'exponentialDecay',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
          { kind: 'number', name: 'rate', min: 0, minInclusive: false, max: 1 },
          { kind: 'number', name: 'decaySteps', min: 1, max: 100, integer: true, rangeSpoils: false },
        ],
      },
    ],
    call: (o) => exponentialDecay(o as { initial: number; rate: number; decaySteps: number }).rate(3, 10),
  },
  {
    name: 'linearWarmup',
    args: [{ kind: 'number', name: 'warmupSteps', min: 1, max: 50, integer: true, rangeSpoils: false }],
    call: (w) =>
      linearWarmup({ warmupSteps: w as number, then: cosineDecay({ initial: 0.1, totalSteps: 100 }) }).rate(
        2,
        10,
      ),
  },
  {
    name: 'clipByGlobalNorm',
    args: [
      {
        kind: 'tensor',
        name: 'tensors',
        aliases: ['gradients[0]', 'gradients'],
        ranks: [0, 1, 2, 3, 4, 5],
        nonFinite: 'accepted',
        empty: 'accepted',
      },
      { kind: 'number', name: 'maxNorm', min: 0, minInclusive: false, max: 10, rangeSpoils: false },
    ],
    call: (t, m) => clipByGlobalNorm([t as tf.Tensor], m as number),
  },
  {
    name: 'predict',
    args: [fixedModel, features],
    call: (m, x) => predict(m as Model, x as tf.Tensor),
    check: (y, [, x]) => expect((y as tf.Tensor).shape).toEqual([(x as tf.Tensor).shape[0], 3]),
  },
  {
    name: 'evaluate',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [
          {
            kind: 'number',
            name: 'batchSize',
            min: 1,
            max: 30,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
        ],
      },
    ],
    call: (m, d, o) => evaluate(m as Model, d as TensorDataset, o as { batchSize?: number }),
  },
  {
    name: 'fit',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [
          { kind: 'number', name: 'epochs', min: 1, max: 2, integer: true, rangeSpoils: false },
          {
            kind: 'number',
            name: 'batchSize',
            min: 1,
            max: 16,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'seed', integer: true, optional: true },
          {
            kind: 'number',
            name: 'clipNorm',
            min: 0,
            minInclusive: false,
            max: 5,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'labelSmoothing', min: 0, max: 0.9, optional: true },
          { kind: 'name', name: 'optimizer', known: OPTIMIZER_NAMES },
        ],
      },
    ],
    call: async (m, d, o) =>
      (await fit(m as Model, d as TensorDataset, o as { epochs: number })).history.length,
  },
  {
    name: 'diagnoseModel',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [
          {
            kind: 'number',
            name: 'probeSize',
            min: 1,
            max: 30,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
        ],
      },
    ],
    call: (m, d, o) =>
      diagnoseModel(m as Model, d as TensorDataset, o as { probeSize?: number }).layers.length,
  },
  {
    name: 'stallDetector',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [
          {
            kind: 'number',
            name: 'windowSteps',
            min: 1,
            max: 100,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'minLossDrop', min: 0, max: 1, maxInclusive: false, optional: true },
          {
            kind: 'number',
            name: 'minWindows',
            min: 2,
            max: 9,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
          {
            kind: 'number',
            name: 'classes',
            min: 1,
            max: 10,
            integer: true,
            rangeSpoils: false,
            optional: true,
          },
        ],
      },
    ],
    call: (o) => typeof stallDetector(o as Record<string, number>).onBatchEnd,
  },
  {
    name: 'learningRateRangeTest',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [
          {
            kind: 'number',
            name: 'minLearningRate',
            min: 1e-6,
            max: 1e-4,
            rangeSpoils: false,
            optional: true,
          },
          { kind: 'number', name: 'steps', min: 5, max: 8, integer: true, rangeSpoils: false },
          { kind: 'number', name: 'smoothing', min: 0, max: 1, maxInclusive: false, optional: true },
        ],
      },
    ],
    call: async (m, d, o) =>
      (await learningRateRangeTest(m as Model, d as TensorDataset, o as { steps: number })).points.length,
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 1000 });
  console.log(`@gradwell/trainer sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(1000);
}, 600_000);
