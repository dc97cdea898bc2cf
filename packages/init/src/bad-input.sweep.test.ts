/**
 * The bad-input sweep over @gradwell/init (see @gradwell/test-utils' sweep.ts): every initialiser's
 * options and the shape and seed it samples for, the registry, LSUV, the statistics and transfer helpers.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Dense, Sequential, setupBackend } from '@gradwell/core';
import { integerField, optionsArg, runSweep } from '@gradwell/test-utils';
import type { Arg, SweepTarget } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { constant, normal, truncatedNormal, uniform } from './basic';
import type { GradwellInitializer } from './initializer';
import { lsuv } from './lsuv';
import { identity, orthogonal } from './orthogonal';
import { getInitializer, listInitializers } from './registry';
import { activationStatistics, histogram } from './statistics';
import { freezeLayers } from './transfer';
import { glorotUniform, heNormal, varianceScaling } from './variance-scaling';

beforeAll(async () => {
  await setupBackend();
});

const shape: Arg[] = [
  { kind: 'number', name: 'rows', aliases: ['shape'], min: 0, max: 6, integer: true },
  { kind: 'number', name: 'columns', aliases: ['shape'], min: 0, max: 6, integer: true },
  { kind: 'number', name: 'seed', integer: true },
];

/** `make(options)` then `apply([rows, columns], { seed })`: the result has that shape and finite values. */
function initializerTarget(
  name: string,
  options: Arg[],
  make: (o: Record<string, unknown>) => GradwellInitializer,
): SweepTarget {
  return {
    name,
    args: [{ kind: 'options', name: 'options', fields: options }, ...shape],
    call: (o, rows, columns, seed) =>
      make(o as Record<string, unknown>).apply([rows as number, columns as number], { seed: seed as number }),
    check: (t, [, rows, columns]) => {
      expect((t as tf.Tensor).shape).toEqual([rows, columns]);
      expect((t as tf.Tensor).dataSync().every(Number.isFinite)).toBe(true);
    },
  };
}

const model = (): Sequential =>
  new Sequential([new Dense({ units: 4, name: 'a' }), new Dense({ units: 3, name: 'b' })], {
    inputShape: [5],
    seed: 1,
  });
const fixedModel: Arg = {
  kind: 'fixed',
  name: 'model',
  make: model,
  dispose: (m) => (m as Sequential).dispose(),
};
const batch: Arg = { kind: 'tensor', name: 'batch', ranks: [2], fixed: { 1: 5 }, dims: [2, 6] };

const targets: SweepTarget[] = [
  {
    name: 'getInitializer',
    args: [
      {
        kind: 'name',
        name: 'name',
        known: listInitializers().filter((n) => n !== 'identity' && n !== 'orthogonal'),
      },
      ...shape,
    ],
    call: (name, rows, columns, seed) =>
      getInitializer(name as string).apply([rows as number, columns as number], { seed: seed as number }),
  },
  initializerTarget(
    'uniform',
    [
      { kind: 'number', name: 'min', min: -2, max: -0.2, rangeSpoils: false, optional: true },
      { kind: 'number', name: 'max', min: 0.2, max: 2, rangeSpoils: false, optional: true },
    ],
    (o) => uniform(o),
  ),
  initializerTarget(
    'normal',
    [
      { kind: 'number', name: 'mean', optional: true },
      { kind: 'number', name: 'std', min: 0, optional: true },
    ],
    (o) => normal(o),
  ),
  initializerTarget(
    'truncatedNormal',
    [
      { kind: 'number', name: 'mean', optional: true },
      { kind: 'number', name: 'std', min: 0, optional: true },
    ],
    (o) => truncatedNormal(o),
  ),
  initializerTarget('constant', [{ kind: 'number', name: 'value', optional: true }], (o) => constant(o)),
  initializerTarget(
    'varianceScaling',
    [
      { kind: 'number', name: 'scale', min: 0, minInclusive: false, optional: true },
      { kind: 'choice', name: 'mode', values: ['fanIn', 'fanOut', 'fanAvg'], optional: true },
      {
        kind: 'choice',
        name: 'distribution',
        values: ['normal', 'truncatedNormal', 'uniform'],
        optional: true,
      },
    ],
    (o) => varianceScaling(o),
  ),
  initializerTarget(
    'glorotUniform',
    [{ kind: 'number', name: 'gain', min: 0, minInclusive: false, optional: true }],
    (o) => glorotUniform(o),
  ),
  initializerTarget(
    'heNormal',
    [
      { kind: 'choice', name: 'mode', values: ['fanIn', 'fanOut'], optional: true },
      { kind: 'number', name: 'negativeSlope', min: 0, optional: true },
    ],
    (o) => heNormal(o),
  ),
  initializerTarget(
    'orthogonal',
    [{ kind: 'number', name: 'gain', min: 0, minInclusive: false, optional: true }],
    (o) => orthogonal(o),
  ),
  {
    name: 'identity',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'gain', min: 0, minInclusive: false, optional: true }],
      },
      { kind: 'number', name: 'size', aliases: ['shape'], min: 0, max: 6, integer: true },
    ],
    call: (o, n) => identity(o as { gain?: number }).apply([n as number, n as number]),
  },
  {
    name: 'histogram',
    args: [
      { kind: 'tensor', name: 'x', ranks: [0, 1, 2, 3, 4, 5], otherDtype: 'accepted' },
      integerField('bins', 1, 50),
    ],
    call: (x, bins) => histogram(x as tf.Tensor, bins as number),
    check: (h, [x, bins]) => {
      const { counts, edges } = h as { counts: number[]; edges: number[] };
      expect(counts).toHaveLength(bins as number);
      expect(edges).toHaveLength((bins as number) + 1);
      expect(counts.reduce((a, b) => a + b, 0)).toBe((x as tf.Tensor).size);
    },
  },
  {
    name: 'activationStatistics',
    args: [
      fixedModel,
      batch,
      {
        kind: 'options',
        name: 'options',
        fields: [integerField('bins', 1, 40, true)],
      },
    ],
    call: (m, b, o) => activationStatistics(m as Sequential, b as tf.Tensor, o as { bins?: number }),
    check: (stats) => expect(stats).toHaveLength(2),
  },
  {
    name: 'lsuv',
    args: [
      fixedModel,
      batch,
      optionsArg(
        { kind: 'number', name: 'targetVariance', min: 0, minInclusive: false, optional: true },
        { kind: 'number', name: 'tolerance', min: 0, minInclusive: false, optional: true },
        integerField('maxIterations', 1, 5, true),
        { kind: 'number', name: 'seed', integer: true, optional: true },
        { kind: 'choice', name: 'measure', values: ['preActivation', 'output'], optional: true },
      ),
    ],
    call: (m, b, o) => lsuv(m as Sequential, b as tf.Tensor, o as Record<string, never>),
  },
  {
    name: 'freezeLayers',
    args: [fixedModel, { kind: 'name', name: 'names', known: ['a', 'b'] }],
    call: (m, name) => {
      freezeLayers(m as Sequential, [name as string]);
      return (m as Sequential).trainableWeights.length;
    },
    check: (count) => expect(count).toBe(2),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/init sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
