/**
 * The bad-input sweep over @gradwell/activations (see @gradwell/test-utils' sweep.ts): every activation's
 * apply and derivative, the registry, gains, the diagnostics and the learnable layers, with generated bad
 * arguments — each gets a named error naming the argument, or a correct result; no raw error, no leak.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { anyTensor, integerField, optionsNamed, runSweep, throughLayer } from '@gradwell/test-utils';
import type { SweepTarget } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { Maxout, preluLayer, sreluLayer } from './learnable';
import { calculateGain } from './gain';
import { deadUnitFraction, saturationFraction } from './diagnostics';
import { getActivation, listActivations } from './registry';

beforeAll(async () => {
  await setupBackend();
});

const x = anyTensor;

/** f and f′ keep the shape, and NaN in gives NaN out. */
function elementwiseCheck(result: unknown, args: readonly unknown[]): void {
  const input = args[0] as tf.Tensor;
  const output = result as tf.Tensor;
  expect(output.shape).toEqual(input.shape);
  const xs = input.dataSync();
  const ys = output.dataSync();
  xs.forEach((v, i) => {
    if (Number.isNaN(v)) expect(Number.isNaN(ys[i] as number), `NaN at ${i} gave ${ys[i]}`).toBe(true);
  });
}

function activationTargets(): SweepTarget[] {
  return listActivations().flatMap((name): SweepTarget[] => {
    const activation = getActivation(name);
    const check = activation.elementwise
      ? elementwiseCheck
      : (r: unknown, a: readonly unknown[]) =>
          expect((r as tf.Tensor).shape).toEqual((a[0] as tf.Tensor).shape);
    // An activation along an axis (softmax) takes tensors of rank ≥ 1; a scalar is a wrong rank.
    const input = activation.elementwise ? x : { ...x, ranks: [1, 2, 3, 4, 5] };
    return [
      { name: `${name}.apply`, args: [input], call: (t) => activation.apply(t as tf.Tensor), check },
      {
        name: `${name}.derivative`,
        args: [input],
        call: (t) => activation.derivative(t as tf.Tensor),
        check,
      },
    ];
  });
}

const targets: SweepTarget[] = [
  ...activationTargets(),
  {
    name: 'getActivation',
    args: [{ kind: 'name', name: 'name', known: listActivations() }],
    call: (name) => getActivation(name as string).name,
  },
  {
    name: 'getActivation(leakyRelu)',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'alpha', min: 0, max: 1, optional: true }],
      },
    ],
    call: (options) => getActivation('leakyRelu', options as Record<string, number>).gain,
  },
  {
    name: 'getActivation(elu)',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'alpha', min: 0, minInclusive: false, optional: true }],
      },
    ],
    call: (options) => getActivation('elu', options as Record<string, number>).gain,
  },
  {
    name: 'getActivation(swish)',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'beta', min: 0, optional: true }],
      },
    ],
    call: (options) => getActivation('swish', options as Record<string, number>).gain,
  },
  {
    name: 'getActivation(gelu)',
    args: [
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'choice', name: 'approximate', values: ['none', 'tanh'] }],
      },
    ],
    call: (options) => getActivation('gelu', options as Record<string, string>).name,
  },
  {
    name: 'calculateGain',
    args: [{ kind: 'name', name: 'activation', known: listActivations() }],
    call: (name) => calculateGain(name as string),
    check: (gain) => expect(Number.isFinite(gain as number)).toBe(true),
  },
  {
    name: 'calculateGain(leakyRelu)',
    args: [{ kind: 'number', name: 'param', min: 0, max: 1 }],
    call: (param) => calculateGain('leakyRelu', param as number),
    check: (gain, [param]) =>
      expect(gain as number).toBeCloseTo(Math.sqrt(2 / (1 + (param as number) ** 2)), 10),
  },
  {
    name: 'deadUnitFraction',
    args: [
      {
        kind: 'tensor',
        name: 'preActivations',
        ranks: [2, 3, 4, 5],
        nonFinite: 'accepted',
        otherDtype: 'accepted',
      },
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'choice', name: 'perChannel', values: [true, false] }],
      },
    ],
    call: (t, options) => deadUnitFraction(t as tf.Tensor, options as { perChannel: boolean }),
    check: (fraction) => expect(fraction as number).toBeGreaterThanOrEqual(0),
  },
  {
    name: 'saturationFraction',
    args: [
      { kind: 'tensor', name: 'x', ranks: [0, 1, 2, 3, 4, 5], nonFinite: 'accepted' },
      { kind: 'fixed', name: 'activation', make: () => getActivation('tanh') },
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'number', name: 'threshold', min: 0, minInclusive: false, optional: true }],
      },
    ],
    call: (t, a, options) =>
      saturationFraction(
        t as tf.Tensor,
        a as ReturnType<typeof getActivation>,
        options as { threshold?: number },
      ),
    check: (fraction) => expect(fraction as number).toBeLessThanOrEqual(1),
  },
  {
    name: 'Maxout',
    args: [
      optionsNamed('args', integerField('units', 1, 6), integerField('pieces', 1, 4, true)),
      { kind: 'tensor', name: 'x', ranks: [2], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: throughLayer((args: { units: number; pieces?: number }) => new Maxout(args)),
  },
  {
    name: 'PRelu.apply',
    args: [
      {
        kind: 'fixed',
        name: 'layer',
        make: () => preluLayer(),
        dispose: (l) => (l as { dispose(): void }).dispose(),
      },
      { kind: 'tensor', name: 'x', ranks: [1, 2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (layer, t) => (layer as ReturnType<typeof preluLayer>).apply(t as tf.Tensor),
  },
  {
    name: 'SRelu.apply',
    args: [
      {
        kind: 'fixed',
        name: 'layer',
        make: () => sreluLayer(),
        dispose: (l) => (l as { dispose(): void }).dispose(),
      },
      { kind: 'tensor', name: 'x', ranks: [1, 2, 3, 4, 5], nonFinite: 'accepted', empty: 'accepted' },
    ],
    call: (layer, t) => (layer as ReturnType<typeof sreluLayer>).apply(t as tf.Tensor),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/activations sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);
