import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { beforeAll, expect, test } from 'vitest';
import { getActivation, listActivations } from '../registry';
import { measureActivation } from './measure-activation';

beforeAll(async () => {
  await setupBackend();
});

test('times apply and autodiff side by side, says which carries the analytic derivative, and leaks nothing', () => {
  const before = tf.memory().numTensors;
  for (const name of listActivations().slice(0, 6)) {
    const activation = getActivation(name);
    const timing = measureActivation(activation, { elements: 4096, runs: 2, warmup: 1, rounds: 3 });
    expect(timing).toMatchObject({
      name,
      elements: 4096,
      runs: 6,
      customGradient: activation.apply !== activation.forward,
    });
    expect(timing.applyMs).toBeGreaterThan(0);
    expect(timing.autodiffMs).toBeGreaterThan(0);
  }
  expect(tf.memory().numTensors).toBe(before);
});

test('bad options name the argument', () => {
  const relu = getActivation('relu');
  expect(() => measureActivation(relu, { elements: 0 })).toThrow(/'elements'/);
  expect(() => measureActivation(relu, { runs: 1.5 })).toThrow(/'runs'/);
  expect(() => measureActivation(relu, { rounds: -1 })).toThrow(/'rounds'/);
  expect(() => measureActivation(relu, { warmup: -1 })).toThrow(/'warmup' must be a non-negative integer/);
});
