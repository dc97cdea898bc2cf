/**
 * The bad-input sweep over @gradwell/batchnorm (see @gradwell/test-utils' sweep.ts): the normalisation
 * layers (options and inputs, training and inference), the functional forms and the distribution snapshot.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { sequential, setupBackend, type Layer } from '@gradwell/core';
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
import { batchNorm, normalizeBatchInTraining } from './batch-norm';
import { batchNormalization } from './batch-norm-layer';
import { batchRenormalization } from './batch-renorm';
import { distributionSnapshot, quantile } from './distribution-snapshot';
import { groupNormalization } from './group-norm';
import { layerNormalization } from './layer-norm';
import { meanOnlyBatchNormalization } from './mean-only-batch-norm';
import { stopGradient } from './stop-gradient';
import { weightNormConv2d, weightNormDense } from './weight-norm';
import { initializeWeightNorm } from './weight-norm-init';

beforeAll(async () => {
  await setupBackend();
});

/** A small positive ε added to the variance. */
const epsilon: Arg = {
  kind: 'number',
  name: 'epsilon',
  min: 0,
  minInclusive: false,
  max: 0.1,
  rangeSpoils: false,
  optional: true,
};

const common: Arg[] = [
  epsilon,
  { kind: 'choice', name: 'center', values: [true, false], optional: true },
  { kind: 'choice', name: 'scale', values: [true, false], optional: true },
];
const keepsShape = (result: unknown, args: readonly unknown[]) =>
  expect((result as tf.Tensor).shape).toEqual((args[1] as tf.Tensor).shape);

function layerTarget(
  name: string,
  fields: Arg[],
  x: TensorArg,
  make: (args: Record<string, unknown>) => Layer,
): SweepTarget {
  return {
    name,
    args: [
      { kind: 'options', name: 'args', fields },
      x,
      { kind: 'choice', name: 'training', values: [true, false] },
    ],
    call: (args, input, training) => throughLayer(make, { training: training as boolean })(args, input),
    check: keepsShape,
  };
}

const features: TensorArg = {
  kind: 'tensor',
  name: 'x',
  ranks: [2, 4],
  dims: [2, 5],
  nonFinite: 'accepted',
  empty: 'accepted',
};

const targets: SweepTarget[] = [
  layerTarget(
    'BatchNorm',
    [
      ...common,
      { kind: 'number', name: 'momentum', min: 0, max: 1, optional: true },
      { kind: 'choice', name: 'gradient', values: ['fused', 'autodiff'], optional: true },
    ],
    features,
    (a) => batchNormalization(a),
  ),
  layerTarget('LayerNorm', common, { ...features, ranks: [2, 3, 4, 5] }, (a) => layerNormalization(a)),
  layerTarget('GroupNorm', [...common, integerField('groups', 1, 1)], { ...features, ranks: [4] }, (a) =>
    groupNormalization(a),
  ),
  layerTarget(
    'BatchRenorm',
    [
      ...common,
      { kind: 'number', name: 'rMax', min: 1, max: 5, rangeSpoils: false, optional: true },
      { kind: 'number', name: 'dMax', min: 0, max: 5, rangeSpoils: false, optional: true },
    ],
    { ...features, ranks: [2, 3, 4, 5] },
    (a) => batchRenormalization(a),
  ),
  layerTarget(
    'MeanOnlyBatchNorm',
    [
      { kind: 'choice', name: 'center', values: [true, false], optional: true },
      { kind: 'number', name: 'momentum', min: 0, max: 1, optional: true },
    ],
    { ...features, ranks: [2, 3, 4, 5] },
    (a) => meanOnlyBatchNormalization(a),
  ),
  {
    name: 'WeightNormDense',
    args: [
      optionsNamed('args', integerField('units', 1, 5), {
        kind: 'choice',
        name: 'useBias',
        values: [true, false],
        optional: true,
      }),
      {
        kind: 'tensor',
        name: 'x',
        ranks: [2, 3, 4, 5],
        dims: [2, 5],
        nonFinite: 'accepted',
        empty: 'accepted',
      },
      { kind: 'choice', name: 'training', values: [true, false] },
    ],
    call: (args, x, training) =>
      throughLayer((a: { units: number }) => weightNormDense(a), { training: training as boolean })(args, x),
  },
  {
    name: 'WeightNormConv2d',
    args: [
      optionsNamed(
        'args',
        integerField('filters', 1, 3),
        integerField('kernelSize', 1, 2),
        integerField('strides', 1, 2, true),
        { kind: 'choice', name: 'padding', values: ['same', 'valid'], optional: true },
      ),
      { kind: 'tensor', name: 'x', ranks: [4], dims: [2, 4], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((a: { filters: number; kernelSize: number }) => weightNormConv2d(a)),
  },
  {
    name: 'initializeWeightNorm',
    args: [{ kind: 'tensor', name: 'batch', ranks: [2], dims: [3, 3], fixed: { 1: 3 }, values: [-2, 2] }],
    call: (batch) => {
      const model = sequential([weightNormDense({ units: 2 })], { inputShape: [3], seed: 1 });
      try {
        return initializeWeightNorm(model, batch as tf.Tensor);
      } finally {
        model.dispose();
      }
    },
  },
  {
    name: 'batchNorm',
    args: [
      // x of any rank (six ranks: no rank is wrong), its statistics per channel (its last axis); they
      // broadcast, so another rank is no spoiler: a shape that does not broadcast is
      {
        kind: 'tensor',
        name: 'x',
        ranks: [1, 2, 3, 4, 5, 6],
        dims: [2, 4],
        nonFinite: 'accepted',
        empty: 'accepted',
      },
      {
        kind: 'tensor',
        name: 'mean',
        ranks: [1],
        rankSpoils: false,
        fixed: { 0: { of: 'x', axis: -1 } },
        nonFinite: 'accepted',
      },
      {
        kind: 'tensor',
        name: 'variance',
        ranks: [1],
        rankSpoils: false,
        fixed: { 0: { of: 'x', axis: -1 } },
        values: [0.1, 2],
        nonFinite: 'accepted',
      },
      { kind: 'number', name: 'epsilon', min: 0, minInclusive: false, max: 0.1, rangeSpoils: false },
    ],
    call: (x, mean, variance, epsilon) =>
      batchNorm(x as tf.Tensor, {
        mean: mean as tf.Tensor,
        variance: variance as tf.Tensor,
        epsilon: epsilon as number,
      }),
    check: (y, [x]) => expect((y as tf.Tensor).shape).toEqual((x as tf.Tensor).shape),
  },
  {
    name: 'normalizeBatchInTraining',
    args: [
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5], dims: [2, 5], nonFinite: 'accepted' },
      optionsArg(epsilon, {
        kind: 'choice',
        name: 'gradient',
        values: ['fused', 'autodiff'],
        optional: true,
      }),
    ],
    call: (x, o) => normalizeBatchInTraining(x as tf.Tensor, undefined, o as Record<string, never>),
  },
  {
    name: 'distributionSnapshot',
    args: [
      { kind: 'tensor', name: 'x', ranks: [1, 2, 3, 4, 5], otherDtype: 'accepted' },
      {
        kind: 'options',
        name: 'options',
        fields: [countField('bins', 30)],
      },
    ],
    call: (x, o) => distributionSnapshot(x as tf.Tensor, o as { bins?: number }),
  },
  {
    name: 'quantile',
    args: [{ kind: 'number', name: 'q', min: 0, max: 1 }],
    call: (q) => quantile([1, 2, 3, 4], q as number),
    check: (v) => expect(v as number).toBeGreaterThanOrEqual(1),
  },
  {
    name: 'stopGradient',
    args: [
      {
        kind: 'tensor',
        name: 'x',
        ranks: [0, 1, 2, 3, 4, 5],
        nonFinite: 'accepted',
        empty: 'accepted',
        otherDtype: 'accepted',
      },
    ],
    call: (x) => stopGradient(x as tf.Tensor),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/batchnorm sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
