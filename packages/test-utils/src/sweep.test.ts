import * as tf from '@tensorflow/tfjs-core';
import { assertInRange, assertTensor, GradwellArgumentError, setupBackend } from '@gradwell/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { runSweep, type SweepTarget } from './sweep';

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
