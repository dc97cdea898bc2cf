/**
 * The bad-input sweep over @gradwell/core (see @gradwell/test-utils' sweep.ts): the layers (their
 * constructors' arguments and their inputs), a Sequential, random sources, a registry and the helpers.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { integerField, optionsNamed, runSweep, throughLayer } from '@gradwell/test-utils';
import type { Arg, SweepTarget } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { setupBackend } from './backend/setup-backend';
import { computeFans } from './layers/default-initializers';
import { createRandom } from './random';
import { createRegistry } from './registry';
import { Conv2d, convOutputLength } from './layers/conv2d';
import { Dense } from './layers/dense';
import { DepthwiseConv2d } from './layers/depthwise-conv2d';
import { AvgPool2d, Flatten, GlobalAveragePool, MaxPool2d } from './layers/pooling';
import { Sequential } from './layers/sequential';

beforeAll(async () => {
  await setupBackend();
});

const images: Arg = {
  kind: 'tensor',
  name: 'x',
  ranks: [4],
  dims: [3, 6],
  nonFinite: 'accepted',
  empty: 'accepted',
};
const padding: Arg = { kind: 'choice', name: 'padding', values: ['same', 'valid'], optional: true };

const targets: SweepTarget[] = [
  {
    name: 'Dense',
    args: [
      {
        kind: 'options',
        name: 'args',
        fields: [integerField('units', 1, 6)],
      },
      { kind: 'tensor', name: 'x', ranks: [2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((args) => new Dense(args as { units: number })),
    check: (y, [args, x]) =>
      expect((y as tf.Tensor).shape).toEqual([
        ...(x as tf.Tensor).shape.slice(0, -1),
        (args as { units: number }).units,
      ]),
  },
  {
    name: 'Conv2d',
    args: [
      optionsNamed(
        'args',
        integerField('filters', 1, 4),
        integerField('kernelSize', 1, 3),
        integerField('strides', 1, 2, true),
        padding,
      ),
      images,
    ],
    call: throughLayer((args: ConstructorParameters<typeof Conv2d>[0]) => new Conv2d(args)),
  },
  {
    name: 'DepthwiseConv2d',
    args: [
      optionsNamed(
        'args',
        integerField('kernelSize', 1, 3),
        integerField('depthMultiplier', 1, 2, true),
        padding,
      ),
      images,
    ],
    call: throughLayer((args: ConstructorParameters<typeof DepthwiseConv2d>[0]) => new DepthwiseConv2d(args)),
  },
  ...(['MaxPool2d', 'AvgPool2d'] as const).map((name): SweepTarget => ({
    name,
    args: [
      optionsNamed(
        'args',
        integerField('poolSize', 1, 3, true),
        integerField('strides', 1, 2, true),
        padding,
      ),
      images,
    ],
    call: throughLayer((args: ConstructorParameters<typeof MaxPool2d>[0]) =>
      name === 'MaxPool2d' ? new MaxPool2d(args) : new AvgPool2d(args),
    ),
  })),
  {
    name: 'Flatten',
    args: [{ kind: 'tensor', name: 'x', ranks: [1, 2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' }],
    call: (x) => throughLayer(() => new Flatten())({}, x),
    check: (y, [x]) => expect((y as tf.Tensor).size).toBe((x as tf.Tensor).size),
  },
  {
    name: 'GlobalAveragePool',
    args: [images],
    call: (x) => throughLayer(() => new GlobalAveragePool())({}, x),
  },
  {
    name: 'Sequential.apply',
    args: [
      {
        kind: 'fixed',
        name: 'model',
        make: () =>
          new Sequential([new Dense({ units: 3 }), new Dense({ units: 2 })], { inputShape: [4], seed: 1 }),
        dispose: (m) => (m as Sequential).dispose(),
      },
      { kind: 'tensor', name: 'x', ranks: [2], fixed: { 1: 4 }, nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (model, x) => (model as Sequential).apply(x as tf.Tensor),
    check: (y, [, x]) => expect((y as tf.Tensor).shape).toEqual([(x as tf.Tensor).shape[0], 2]),
  },
  {
    name: 'createRandom',
    args: [{ kind: 'number', name: 'seed', integer: true }],
    call: (seed) => createRandom(seed as number).next(),
    check: (v) => expect(v as number).toBeLessThan(1),
  },
  {
    name: 'createRandom().normal',
    args: [
      { kind: 'number', name: 'mean' },
      { kind: 'number', name: 'std', min: 0 },
    ],
    call: (mean, std) => createRandom(1).normal(mean as number, std as number),
    check: (v) => expect(Number.isFinite(v as number)).toBe(true),
  },
  {
    name: 'registry.get',
    args: [{ kind: 'name', name: 'name', known: ['alpha', 'beta', 'gamma'] }],
    call: (name) => {
      const registry = createRegistry<number>('thing');
      ['alpha', 'beta', 'gamma'].forEach((n, i) => registry.register(n, i));
      return registry.get(name as string);
    },
  },
  {
    name: 'convOutputLength',
    args: [
      integerField('length', 1, 64),
      integerField('kernel', 1, 7),
      integerField('stride', 1, 4),
      padding,
    ],
    call: (length, kernel, stride, pad) =>
      convOutputLength(length as number, kernel as number, stride as number, pad as 'same' | 'valid'),
    check: (n) => expect(Number.isInteger(n as number)).toBe(true),
  },
  {
    name: 'computeFans',
    args: [
      { kind: 'number', name: 'rows', aliases: ['shape'], min: 0, max: 9, integer: true },
      { kind: 'number', name: 'columns', aliases: ['shape'], min: 0, max: 9, integer: true },
    ],
    call: (rows, columns) => computeFans([rows as number, columns as number]),
    check: (fans, [rows, columns]) => expect(fans).toEqual({ fanIn: rows, fanOut: columns }),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/core sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
