import * as tf from '@tensorflow/tfjs-core';
import { assertInRange, assertTensor, GradwellArgumentError, setupBackend } from '@gradwell/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { runSweep } from './sweep';
import * as helpers from './sweep-helpers';
import type { SweepTarget } from './sweep-types';

beforeAll(async () => {
  await setupBackend({ backend: 'cpu' });
});

const rate = { kind: 'number', name: 'rate', min: 0, max: 1 } as const;
const x = { kind: 'tensor', name: 'x', ranks: [2] } as const;

describe('runSweep', () => {
  test('a function that checks its arguments passes, and the cases are counted', async () => {
    const good: SweepTarget = {
      name: 'scale',
      args: [x, rate],
      call: (t, r) => {
        assertTensor('scale', 'x', t, { ranks: [2], dtypes: ['float32'] });
        if (t.size === 0) throw new GradwellArgumentError('scale', 'x', 'a non-empty tensor', t);
        const finite = tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0]);
        if (finite !== 1) throw new GradwellArgumentError('scale', 'x', 'finite values', t);
        assertInRange('scale', 'rate', r, { min: 0, max: 1 });
        return tf.mul(t, r);
      },
    };
    await expect(runSweep([good], { minCases: 100 })).resolves.toBe(100);
  });

  test.each([
    [
      'a raw tfjs error',
      (t: unknown) => tf.tidy(() => tf.matMul(t as tf.Tensor, tf.ones([9, 9]))),
      /a raw \w*Error/,
    ],
    [
      'bad input accepted',
      (t: unknown) => (t as { shape?: number[] }).shape ?? [],
      /accepted without an error/,
    ],
    [
      'a leak',
      (t: unknown) => {
        assertTensor('leaky', 'x', t, { ranks: [2], dtypes: ['float32'] });
        tf.ones([2]);
        return 1;
      },
      /tensor\(s\) leaked/,
    ],
    [
      'an error that names another argument',
      () => {
        throw new GradwellArgumentError('f', 'other', 'something', 1);
      },
      /does not name 'x'|valid arguments refused/,
    ],
  ])('%s fails the sweep with its seed and case', async (_name, call, pattern) => {
    const bad: SweepTarget = { name: 'bad', args: [x], call };
    const failure = runSweep([bad], { minCases: 40, seed: 7 });
    await expect(failure).rejects.toThrow(/found 1 failing target\(s\) \(GRADWELL_SWEEP_SEED=7\)/);
    await expect(runSweep([bad], { minCases: 40, seed: 7 })).rejects.toThrow(pattern);
  });
});

describe('the shared argument helpers', () => {
  test('throughLayer builds, applies with the given kwargs and frees the layer, also when apply throws', () => {
    const seen: Array<{ training?: boolean } | undefined> = [];
    let disposed = 0;
    const make = (options: { fail: boolean }) => ({
      apply: (t: tf.Tensor, kwargs?: { training?: boolean }) => {
        seen.push(kwargs);
        if (options.fail) throw new Error('apply failed');
        return tf.neg(t);
      },
      dispose: () => void disposed++,
    });
    const input = tf.tensor1d([1, 2]);
    const output = helpers.throughLayer(make, { training: true })({ fail: false }, input);
    expect(Array.from(output.dataSync())).toEqual([-1, -2]);
    expect(() => helpers.throughLayer(make)({ fail: true }, input)).toThrow('apply failed');
    expect(seen).toEqual([{ training: true }, undefined]);
    expect(disposed).toBe(2);
    tf.dispose([input, output]);
  });

  test('keepsShape accepts the input shape and names both shapes otherwise', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expect(() => helpers.keepsShape(a, [a])).not.toThrow();
    expect(() => helpers.keepsShape(b, [a])).toThrow("the result's shape [3, 2] is not the input's [2, 3]");
    tf.dispose([a, b]);
  });

  test('countField, optionsArg, optionsNamed, anyTensor and randomArg describe what they say', () => {
    expect(helpers.countField('limit', 30)).toEqual({
      kind: 'number',
      name: 'limit',
      min: 1,
      max: 30,
      integer: true,
      rangeSpoils: false,
      optional: true,
    });
    expect(helpers.countField('offset', 5, 0)).toMatchObject({ min: 0, max: 5 });
    expect(helpers.optionsArg(rate)).toEqual({ kind: 'options', name: 'options', fields: [rate] });
    expect(helpers.integerField('units', 1, 6)).toEqual({
      kind: 'number',
      name: 'units',
      min: 1,
      max: 6,
      integer: true,
    });
    expect(helpers.integerField('pieces', 1, 4, true)).toMatchObject({ optional: true });
    expect(helpers.optionsNamed('args', rate)).toEqual({ kind: 'options', name: 'args', fields: [rate] });
    expect(helpers.anyTensor).toMatchObject({ kind: 'tensor', name: 'x', ranks: [0, 1, 2, 3, 4, 5] });
    expect(helpers.randomArg).toMatchObject({ kind: 'fixed', name: 'random' });
  });
});
