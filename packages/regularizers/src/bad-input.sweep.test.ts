/**
 * The bad-input sweep over @gradwell/regularizers (see @gradwell/test-utils' sweep.ts): the dropout family
 * (functions and layers), DropConnect, penalties, constraints, label smoothing and its cross-entropy, the
 * confidence penalty and early stopping's options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type RandomSource } from '@gradwell/core';
import { anyTensor, countField, integerField, keepsShape, optionsArg } from '@gradwell/test-utils';
import { randomArg, runSweep, throughLayer } from '@gradwell/test-utils';
import type { Arg, SweepTarget, TensorArg } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { confidencePenalty, softmaxEntropy } from './confidence-penalty';
import { applyConstraint, clipWeights, maxNorm, unitNorm } from './constraints';
import { DropConnectDense } from './drop-connect';
import { alphaDropout, dropout, gaussianDropout } from './dropout';
import { alphaDropoutLayer, dropoutLayer, gaussianDropoutLayer, spatialDropout } from './dropout-layers';
import { earlyStopping } from './early-stopping';
import { smoothLabels, softmaxCrossEntropy } from './label-smoothing';
import { l1, l1l2, l2 } from './penalties';

beforeAll(async () => {
  await setupBackend();
});

const x = anyTensor;
const rate: Arg = { kind: 'number', name: 'rate', min: 0, max: 1, maxInclusive: false };
const random = randomArg;
// In-graph functions of a training step: NaN propagates (the trainer's NaN guard reports it), no check costs a sync.
const logits: TensorArg = { kind: 'tensor', name: 'logits', ranks: [2], dims: [1, 5], nonFinite: 'accepted' };

const dropoutLayerTarget = (
  name: string,
  make: (args: { rate: number; seed: number }) => {
    apply(x: tf.Tensor, c: { training: boolean }): tf.Tensor;
    dispose(): void;
  },
  ranks: number[],
): SweepTarget => ({
  name,
  args: [
    { kind: 'options', name: 'args', fields: [rate, { kind: 'number', name: 'seed', integer: true }] },
    { ...x, ranks },
  ],
  call: throughLayer(make, { training: true }),
});

const targets: SweepTarget[] = [
  {
    name: 'dropout',
    args: [x, rate, random],
    call: (t, r, s) => dropout(t as tf.Tensor, r as number, s as RandomSource),
    check: keepsShape,
  },
  {
    name: 'gaussianDropout',
    args: [x, rate, random],
    call: (t, r, s) => gaussianDropout(t as tf.Tensor, r as number, s as RandomSource),
    check: keepsShape,
  },
  {
    name: 'alphaDropout',
    args: [x, rate, random],
    call: (t, r, s) => alphaDropout(t as tf.Tensor, r as number, s as RandomSource),
    check: keepsShape,
  },
  dropoutLayerTarget('dropoutLayer', (a) => dropoutLayer(a), [1, 2, 3, 4, 5]),
  dropoutLayerTarget('gaussianDropoutLayer', (a) => gaussianDropoutLayer(a), [1, 2, 3, 4, 5]),
  dropoutLayerTarget('alphaDropoutLayer', (a) => alphaDropoutLayer(a), [1, 2, 3, 4, 5]),
  dropoutLayerTarget('spatialDropout', (a) => spatialDropout(a), [4]),
  {
    name: 'DropConnectDense',
    args: [
      {
        kind: 'options',
        name: 'args',
        fields: [integerField('units', 1, 5), rate],
      },
      { kind: 'tensor', name: 'x', ranks: [2], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((args: { units: number; rate: number }) => new DropConnectDense(args), {
      training: true,
    }),
  },
  ...(
    [
      ['l1', (lambda: number) => l1(lambda)],
      ['l2', (lambda: number) => l2(lambda)],
      ['l1l2', (lambda: number) => l1l2({ l1: lambda, l2: lambda })],
    ] as const
  ).map(([name, make]): SweepTarget => ({
    name,
    args: [
      { kind: 'number', name: 'lambda', aliases: ['l1', 'l2'], min: 0, max: 1, rangeSpoils: false },
      {
        kind: 'tensor',
        name: 'weights',
        ranks: [0, 1, 2, 3, 4, 5],
        nonFinite: 'accepted',
        empty: 'accepted',
      },
    ],
    call: (lambda, w) => make(lambda as number).penalty(w as tf.Tensor),
    check: (p) => expect((p as tf.Tensor).rank).toBe(0),
  })),
  {
    name: 'maxNorm',
    args: [
      { kind: 'number', name: 'maxValue', min: 0, minInclusive: false, max: 3, rangeSpoils: false },
      { kind: 'tensor', name: 'variable', ranks: [1, 2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (m, w) => {
      // A live tensor becomes the weight variable; anything else goes to applyConstraint as it is.
      const t = w as tf.Tensor;
      const live = t instanceof tf.Tensor && !t.isDisposed;
      const v = live ? tf.variable(t) : (w as tf.Variable);
      try {
        applyConstraint(v, maxNorm(m as number));
        return v.shape;
      } finally {
        if (live) v.dispose();
      }
    },
  },
  {
    name: 'clipWeights',
    args: [
      { kind: 'number', name: 'min', min: -3, max: -1, rangeSpoils: false },
      { kind: 'number', name: 'max', min: 1, max: 3, rangeSpoils: false },
    ],
    call: (lo, hi) => clipWeights(lo as number, hi as number).className,
  },
  {
    name: 'unitNorm',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [integerField('axis', 0, 1, true)],
      },
    ],
    call: (o) => unitNorm(o as { axis?: number }).className,
  },
  {
    name: 'smoothLabels',
    args: [
      {
        kind: 'tensor',
        name: 'labels',
        ranks: [1, 2, 3, 4, 5],
        values: [0, 1],
        nonFinite: 'accepted',
        otherDtype: 'accepted',
        empty: 'accepted', // no rows smooth to no rows; rows of no classes are refused
      },
      { kind: 'number', name: 'epsilon', min: 0, max: 1 },
    ],
    call: (y, e) => smoothLabels(y as tf.Tensor, e as number),
    check: keepsShape,
  },
  {
    name: 'softmaxCrossEntropy',
    args: [
      {
        kind: 'tensor',
        name: 'labels',
        ranks: [2],
        shapeOf: 'logits',
        values: [0, 1],
        nonFinite: 'accepted',
        otherDtype: 'accepted',
      },
      { ...logits, dims: [2, 5] }, // a softmax over one class is refused (its loss is 0 whatever the weights)
      optionsArg(
        { kind: 'number', name: 'labelSmoothing', min: 0, max: 1, optional: true },
        { kind: 'choice', name: 'reduction', values: ['mean', 'sum'], optional: true },
      ),
    ],
    call: (y, z, o) => softmaxCrossEntropy(y as tf.Tensor, z as tf.Tensor, o as Record<string, never>),
  },
  {
    name: 'softmaxEntropy',
    args: [{ ...logits, ranks: [1, 2, 3, 4, 5], empty: 'accepted' }],
    call: (z) => softmaxEntropy(z as tf.Tensor),
  },
  {
    name: 'confidencePenalty',
    args: [
      logits,
      optionsArg(
        { kind: 'number', name: 'beta', min: 0, max: 2, rangeSpoils: false },
        { kind: 'number', name: 'threshold', min: 0, max: 3, rangeSpoils: false, optional: true },
      ),
    ],
    call: (z, o) => confidencePenalty(z as tf.Tensor, o as { beta: number }),
  },
  {
    name: 'earlyStopping',
    args: [
      optionsArg(
        { kind: 'choice', name: 'mode', values: ['min', 'max', 'auto'], optional: true },
        { kind: 'number', name: 'minDelta', min: 0, max: 1, rangeSpoils: false, optional: true },
        countField('patience', 5, 0),
        countField('startFromEpoch', 5, 0),
      ),
    ],
    call: (o) => earlyStopping(o as Record<string, never>).constructor.name,
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/regularizers sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
