import * as tf from '@tensorflow/tfjs-core';
import { getActivation, listActivations } from '@gradwell/activations';
import { checkActivation } from '@gradwell/activations/testing';
import { expect, test } from 'vitest';
import { bentIdentity, registerBentIdentity } from './index';

test('bent identity passes the conformance suite on wasm and cpu', async () => {
  const report = await checkActivation(bentIdentity);
  expect(report.passed).toBe(true);
  expect(report.checks.length).toBeGreaterThan(10);
});

test('once registered, it is found by name and alias like a built-in', () => {
  registerBentIdentity();
  expect(listActivations()).toContain('bentIdentity');
  const activation = getActivation('bent_identity');
  expect(Array.from(activation.apply(tf.tensor1d([0, 1])).dataSync())[1]).toBeCloseTo(
    (Math.SQRT2 - 1) / 2 + 1,
    6,
  );
});
