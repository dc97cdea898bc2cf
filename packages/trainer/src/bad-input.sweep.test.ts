/**
 * The bad-input sweep over @gradwell/trainer (see @gradwell/test-utils' sweep.ts): the layer builders by
 * name, models and presets, datasets, losses, optimisers and schedules, clipping, fit / evaluate / predict,
 * the confusion matrix and mistakes, diagnostics, the stall detector, the plateau callback and the
 * learning-rate range test.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { listActivations } from '@gradwell/activations';
import { batchNormalization } from '@gradwell/batchnorm';
import {
  countField,
  integerField,
  optionsArg,
  optionsNamed,
  runSweep,
  throughLayer,
} from '@gradwell/test-utils';
import type { Arg, SweepTarget, TensorArg } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { blobs, spirals } from './data/synthetic';
import { tensorDataset, type TensorDataset } from './data/dataset';
import { splitDataset, subset } from './data/subsets';
import { calibration, calibrationReport } from './calibration';
import { confidentMistakes, confusionMatrix } from './confusion';
import { evaluate, predict } from './evaluate';
import { clipByGlobalNorm } from './gradient-clipping';
import { conv2d, dense } from './layers';
import {
  binaryCrossEntropy,
  getLoss,
  huber,
  listLosses,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from './losses';
import { learningRateRangeTest } from './lr-range-test';
import { model, type Model } from './model';
import { createOptimizer, disposeOptimizer, OPTIMIZER_NAMES } from './optimizers';
import { cnnPreset, mlpPreset } from './presets';
import { reduceLearningRateOnPlateau } from './plateau';
import { cosineDecay, exponentialDecay, linearWarmup, oneCycle, stepDecay } from './schedules';
import { stallDetector } from './stall-detector';
import { expectedCalibrationError } from './experiments/calibration';
import { diagnoseModel } from './training/diagnose';
import { fit } from './training/fit';
import { estimateBatchNormStatistics, type BatchNormEstimateOptions } from './batch-norm-statistics';
import { createWeightAverager, type WeightAveragingOptions } from './training/weight-averaging';

beforeAll(async () => {
  await setupBackend();
});

/** int32 class ids in [0, 2], one per row of the tensor `rowsOf`. */
const classIds = (name: string, rowsOf: string): TensorArg => ({
  kind: 'tensor',
  name,
  ranks: [1],
  dtype: 'int32',
  values: [0, 2],
  fixed: { 0: { of: rowsOf, axis: 0 } },
});

const small = (): Model =>
  model([dense({ units: 4, activation: 'relu', name: 'h' }), dense({ units: 3, name: 'out' })], {
    inputShape: [2],
    seed: 1,
  });
/** A temperature dividing logits: any number > 0 (the range only keeps cases small). */
const temperatureField: Arg = {
  kind: 'number',
  name: 'temperature',
  min: 0,
  minInclusive: false,
  max: 5,
  rangeSpoils: false,
  optional: true,
};
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

/** A regression loss's (labels, outputs): any values, the outputs' shape, labels of any dtype. */
const regression: TensorArg[] = [
  {
    kind: 'tensor',
    name: 'labels',
    ranks: [1, 2, 3],
    shapeOf: 'outputs',
    nonFinite: 'accepted',
    otherDtype: 'accepted',
  },
  { kind: 'tensor', name: 'outputs', ranks: [1, 2, 3], nonFinite: 'accepted' },
];

const targets: SweepTarget[] = [
  {
    name: 'dense',
    args: [
      optionsNamed(
        'spec',
        integerField('units', 1, 6),
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
      ),
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((spec: { units: number }) => dense(spec)),
  },
  {
    name: 'conv2d',
    args: [
      optionsNamed('spec', integerField('filters', 1, 4), integerField('kernelSize', 1, 3), {
        kind: 'name',
        name: 'activation',
        known: ['relu', 'tanh', 'gelu'],
        optional: true, // null, as in Keras configs, is no activation
      }),
      { kind: 'tensor', name: 'x', ranks: [4], dims: [3, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((spec: { filters: number; kernelSize: number }) => conv2d(spec)),
  },
  {
    name: 'mlpPreset',
    args: [
      optionsArg(
        integerField('classes', 1, 5),
        { kind: 'number', name: 'dropout', min: 0, max: 0.9, optional: true },
        { kind: 'number', name: 'seed', integer: true, optional: true },
        { kind: 'name', name: 'activation', known: ['relu', 'tanh', 'elu'], optional: true },
        { kind: 'choice', name: 'batchNorm', values: [true, false, 'mean-only'], optional: true },
      ),
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
      optionsArg(integerField('classes', 1, 5), {
        kind: 'number',
        name: 'dropout',
        min: 0,
        max: 0.9,
        optional: true,
      }),
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
    // y: class ids [n]; rows or any per-example shape of targets (an autoencoder's images) are other cases
    args: [
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5] },
      { ...classIds('y', 'x'), ranks: [1, 2, 3, 4, 5, 6], otherDtype: 'accepted' },
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
      optionsArg(
        integerField('classes', 1, 4, true),
        countField('pointsPerClass', 10),
        { kind: 'number', name: 'noise', min: 0, max: 1, rangeSpoils: false, optional: true },
        { kind: 'number', name: 'seed', integer: true, optional: true },
      ),
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
      optionsArg(
        { kind: 'number', name: 'validation', min: 0.1, max: 0.9, rangeSpoils: false },
        { kind: 'number', name: 'seed', integer: true, optional: true },
      ),
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
    args: [fixedData, integerField('start', 0, 10), integerField('count', 1, 10)],
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
      classIds('labels', 'outputs'),
      {
        kind: 'tensor',
        name: 'outputs',
        aliases: ['logits'],
        ranks: [2],
        dims: [3, 5], // at least the 3 classes the ids name: more classes is no mismatch
        nonFinite: 'accepted',
      },
    ],
    call: (o, y, z) => softmaxCrossEntropy(o as { labelSmoothing?: number })(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'binaryCrossEntropy',
    args: [
      optionsArg({ kind: 'choice', name: 'fromLogits', values: [true, false], optional: true }),
      // targets in [0, 1] (NaN among them is a label out of range), the outputs' shape
      {
        kind: 'tensor',
        name: 'labels',
        ranks: [1, 2, 3],
        shapeOf: 'outputs',
        values: [0, 1],
        otherDtype: 'accepted',
      },
      { kind: 'tensor', name: 'outputs', ranks: [1, 2, 3], nonFinite: 'accepted' },
    ],
    call: (o, y, z) => binaryCrossEntropy(o as { fromLogits?: boolean })(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'expectedCalibrationError',
    args: [
      { kind: 'tensor', name: 'probabilities', ranks: [2], dims: [3, 5], values: [0, 1] },
      // class ids; one-hot rows [n, classes] are the other form, so another rank is no spoiler
      { ...classIds('labels', 'probabilities'), otherDtype: 'accepted', rankSpoils: false },
      { kind: 'number', name: 'bins', min: 1, max: 20, integer: true },
    ],
    call: (p, y, bins) => expectedCalibrationError(p as tf.Tensor, y as tf.Tensor, bins as number),
    check: (e) => expect(e as number).toBeLessThanOrEqual(1),
  },
  {
    name: 'calibrationReport',
    args: [
      { kind: 'tensor', name: 'outputs', ranks: [2], dims: [3, 5] }, // ≥ 3 classes: the ids go to 2
      { ...classIds('labels', 'outputs'), otherDtype: 'accepted', rankSpoils: false },
      optionsArg(countField('bins', 20), temperatureField),
    ],
    call: (o, y, options) => calibrationReport(o as tf.Tensor, y as tf.Tensor, options as { bins?: number }),
    check: (r) => expect((r as { ece: number }).ece).toBeLessThanOrEqual(1),
  },
  {
    name: 'meanSquaredError',
    args: regression,
    call: (y, z) => meanSquaredError()(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'meanAbsoluteError',
    args: regression,
    call: (y, z) => meanAbsoluteError()(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'huber',
    args: [
      optionsArg({ kind: 'number', name: 'delta', min: 0, minInclusive: false, optional: true }),
      ...regression,
    ],
    call: (o, y, z) => huber(o as { delta?: number })(y as tf.Tensor, z as tf.Tensor),
  },
  {
    name: 'createOptimizer',
    args: [
      optionsNamed(
        'spec',
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
      ),
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
      optionsArg(
        { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
        { kind: 'number', name: 'factor', min: 0, minInclusive: false, max: 1 },
        { kind: 'number', name: 'every', min: 1, max: 5, integer: true, rangeSpoils: false },
      ),
      { kind: 'number', name: 'step', min: 0, max: 100, integer: true, rangeSpoils: false },
    ],
    call: (o, step) => stepDecay(o as { initial: number; every: number }).rate(step as number, 10),
    check: (rate) => expect(Number.isFinite(rate as number)).toBe(true),
  },
  {
    name: 'cosineDecay',
    args: [
      optionsArg(
        { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
        { kind: 'number', name: 'totalSteps', min: 1, max: 100, integer: true, rangeSpoils: false },
      ),
    ],
    call: (o) => cosineDecay(o as { initial: number; totalSteps: number }).rate(3, 10),
  },
  {
    name: 'exponentialDecay',
    args: [
      optionsArg(
        { kind: 'number', name: 'initial', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
        { kind: 'number', name: 'rate', min: 0, minInclusive: false, max: 1 },
        { kind: 'number', name: 'decaySteps', min: 1, max: 100, integer: true, rangeSpoils: false },
      ),
    ],
    call: (o) => exponentialDecay(o as { initial: number; rate: number; decaySteps: number }).rate(3, 10),
  },
  {
    name: 'oneCycle',
    args: [
      optionsArg(
        { kind: 'number', name: 'maxRate', min: 0, minInclusive: false, max: 1, rangeSpoils: false },
        { kind: 'number', name: 'totalSteps', min: 1, max: 100, integer: true, rangeSpoils: false },
        {
          kind: 'number',
          name: 'pctStart',
          min: 0,
          max: 1,
          minInclusive: false,
          maxInclusive: false,
          optional: true,
        },
        { kind: 'number', name: 'divFactor', min: 1, max: 100, rangeSpoils: false, optional: true },
        { kind: 'number', name: 'finalDivFactor', min: 1, max: 1e4, rangeSpoils: false, optional: true },
      ),
      { kind: 'number', name: 'step', min: 0, max: 100, integer: true, rangeSpoils: false },
    ],
    call: (o, step) => oneCycle(o as { maxRate: number; totalSteps: number }).rate(step as number, 10),
    check: (rate) => expect(rate as number).toBeGreaterThan(0),
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
        fields: [countField('batchSize', 30)],
      },
    ],
    call: (m, d, o) => evaluate(m as Model, d as TensorDataset, o as { batchSize?: number }),
  },
  {
    name: 'confusionMatrix',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [countField('batchSize', 30)],
      },
    ],
    call: (m, d, o) => confusionMatrix(m as Model, d as TensorDataset, o as { batchSize?: number }),
    check: (report, [, d]) =>
      expect((report as { examples: number }).examples).toBe((d as TensorDataset).size),
  },
  {
    name: 'calibration',
    args: [
      fixedModel,
      fixedData,
      optionsArg(countField('bins', 20), temperatureField, countField('batchSize', 30)),
    ],
    call: (m, d, o) => calibration(m as Model, d as TensorDataset, o as { bins?: number }),
    check: (report, [, d]) =>
      expect((report as { examples: number }).examples).toBe((d as TensorDataset).size),
  },
  {
    name: 'confidentMistakes',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [countField('count', 30), countField('batchSize', 30)],
      },
    ],
    call: (m, d, o) => confidentMistakes(m as Model, d as TensorDataset, o as { count?: number }),
    check: (found, [, , o]) =>
      expect((found as unknown[]).length).toBeLessThanOrEqual((o as { count?: number }).count ?? 16),
  },
  {
    name: 'fit',
    args: [
      fixedModel,
      fixedData,
      optionsArg(
        { kind: 'number', name: 'epochs', min: 1, max: 2, integer: true, rangeSpoils: false },
        countField('batchSize', 16),
        countField('accumulate', 3),
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
      ),
    ],
    call: async (m, d, o) =>
      (await fit(m as Model, d as TensorDataset, o as { epochs: number })).history.length,
  },
  {
    name: 'createWeightAverager',
    args: [
      fixedModel,
      optionsArg(
        {
          kind: 'number',
          name: 'decay',
          min: 0,
          max: 1,
          minInclusive: false,
          maxInclusive: false,
          optional: true,
        },
        countField('startEpoch', 5, 0),
      ),
    ],
    call: (m, o) => {
      const averager = createWeightAverager((m as Model).weights, o as WeightAveragingOptions);
      averager.update(averager.startEpoch);
      averager.dispose();
      return averager.count;
    },
    check: (count) => expect(count).toBe(1),
  },
  {
    name: 'estimateBatchNormStatistics',
    args: [
      {
        kind: 'fixed',
        name: 'model',
        make: () =>
          model([dense({ units: 4 }), batchNormalization({ name: 'bn' }), dense({ units: 3 })], {
            inputShape: [2],
          }),
        dispose: (m) => (m as Model).dispose(),
      },
      fixedData,
      optionsArg(countField('batchSize', 30), countField('examples', 40)),
    ],
    call: async (m, d, o) =>
      (await estimateBatchNormStatistics(m as Model, d as TensorDataset, o as BatchNormEstimateOptions))
        .examples,
    check: (examples, [, d]) => expect(examples).toBeLessThanOrEqual((d as TensorDataset).size),
  },
  {
    name: 'diagnoseModel',
    args: [
      fixedModel,
      fixedData,
      {
        kind: 'options',
        name: 'options',
        fields: [countField('probeSize', 30)],
      },
    ],
    call: (m, d, o) =>
      diagnoseModel(m as Model, d as TensorDataset, o as { probeSize?: number }).layers.length,
  },
  {
    name: 'stallDetector',
    args: [
      optionsArg(
        countField('windowSteps', 100),
        { kind: 'number', name: 'minLossDrop', min: 0, max: 1, maxInclusive: false, optional: true },
        countField('minWindows', 9, 2),
        countField('classes', 10),
      ),
    ],
    call: (o) => typeof stallDetector(o as Record<string, number>).onBatchEnd,
  },
  {
    name: 'reduceLearningRateOnPlateau',
    args: [
      optionsArg(
        { kind: 'choice', name: 'mode', values: ['min', 'max', 'auto'], optional: true },
        {
          kind: 'number',
          name: 'factor',
          min: 0,
          max: 1,
          minInclusive: false,
          maxInclusive: false,
          optional: true,
        },
        countField('patience', 5, 0),
        { kind: 'number', name: 'minDelta', min: 0, max: 1, rangeSpoils: false, optional: true },
        countField('cooldown', 5, 0),
        { kind: 'number', name: 'minRate', min: 0, max: 1, rangeSpoils: false, optional: true },
      ),
    ],
    call: (o) => reduceLearningRateOnPlateau(o as Record<string, never>).factor,
  },
  {
    name: 'learningRateRangeTest',
    args: [
      fixedModel,
      fixedData,
      optionsArg(
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
      ),
    ],
    call: async (m, d, o) =>
      (await learningRateRangeTest(m as Model, d as TensorDataset, o as { steps: number })).points.length,
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/trainer sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
