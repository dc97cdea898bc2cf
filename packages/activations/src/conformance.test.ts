import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';

import { BUILT_IN_ACTIVATIONS } from './catalogue';
import { checkActivation } from './testing';

test.each(BUILT_IN_ACTIVATIONS.map((plugin) => [plugin.name, plugin] as const))(
  'built-in %s passes the conformance suite on wasm and cpu',
  async (_name, plugin) => {
    await checkActivation(plugin);
  },
);

test('non-default options pass too', async () => {
  const { gelu, leakyRelu, swish, elu } = await import('./catalogue');
  await checkActivation(gelu, { options: { approximate: 'tanh' } });
  await checkActivation(leakyRelu, { options: { alpha: 0.2 } });
  await checkActivation(swish, { options: { beta: 1.5 } });
  await checkActivation(elu, { options: { alpha: 0.7 } });
});

test('the suite catches a wrong derivative, a leak, a NaN-swallowing forward and a bad name', async () => {
  const { defineActivation } = await import('./define-activation');
  const base = {
    defaults: {},
    customGradient: true,
    gain: () => 1,
    recommendedInit: 'glorotUniform' as const,
    range: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const,
  };
  const wrongDerivative = defineActivation({
    ...base,
    name: 'wrongCube',
    forward: (x) => tf.pow(x, 3),
    derivative: (x) => tf.mul(2, tf.square(x)),
  });
  const report = await checkActivation(wrongDerivative, { backends: ['cpu'], throwOnFailure: false });
  expect(report.passed).toBe(false);
  expect(report.checks.filter((c) => !c.passed).map((c) => c.name)).toContain(
    'derivative equals central differences',
  );

  let leaked: tf.Tensor | undefined;
  const leaky = defineActivation({
    ...base,
    name: 'leaky',
    forward: (x) => x,
    derivative: (x) => {
      leaked = tf.onesLike(x);
      return tf.clone(tf.keep(leaked));
    },
  });
  const leakReport = await checkActivation(leaky, { backends: ['cpu'], throwOnFailure: false });
  expect(leakReport.checks.find((c) => c.name === 'no tensor leaks')?.passed).toBe(false);
  leaked?.dispose();

  const swallowsNaN = defineActivation({
    ...base,
    name: 'clampNaN',
    forward: (x) => tf.clipByValue(x, -1e9, 1e9),
    derivative: (x) => tf.onesLike(x),
    customGradient: false,
  });
  await expect(checkActivation(swallowsNaN, { backends: ['wasm'] })).rejects.toThrow(/NaN in gives NaN out/);
  await expect(
    checkActivation({ ...wrongDerivative, name: 'Not-Camel' }, { backends: ['cpu'] }),
  ).rejects.toThrow(/has a camelCase name/);
});
