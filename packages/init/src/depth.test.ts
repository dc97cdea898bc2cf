/**
 * He et al. 2015's argument, numerically: through L layers Var[y_L] = Var[y_1]·∏ ½·n_l·Var[w_l] for ReLU
 * nets, so He's ½·n·Var[w] = 1 keeps the variance while Xavier's halves it at every layer. For tanh,
 * Xavier keeps it in range while a too-small init collapses it (the lecture's figures).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { GradwellInitializer } from './initializer';
import { uniform } from './basic';
import { initializerFor } from './gain';

import { glorotUniform, heNormal } from './variance-scaling';

/** tanh's hint as `@gradwell/activations` gives it: Glorot with gain 5/3. */
const TANH_HINT = { gain: 5 / 3, recommendedInit: 'glorotUniform' } as const;

/** Var(y_L) / Var(y_1) of the pre-activations of a `depth`-layer MLP of `width` at init. */
function varianceRatio(
  init: GradwellInitializer,
  activation: (x: tf.Tensor) => tf.Tensor,
  depth = 30,
  width = 256,
): number {
  return tf.tidy(() => {
    const random = createRandom(7);
    let x: tf.Tensor = random.normalTensor([512, width]);
    let first = 0;
    let last = 0;
    for (let l = 0; l < depth; l++) {
      const y = tf.matMul(x, init.apply([width, width], random.fork()));
      const v = tf.moments(y).variance.dataSync()[0] as number;
      if (l === 0) first = v;
      last = v;
      x = activation(y);
    }
    return last / first;
  });
}

describe('variance through 30 layers of width 256 at init', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test('ReLU: He keeps Var[y_L]/Var[y_1] within [0.5, 2]; Xavier collapses it below 1e-3', () => {
    const he = varianceRatio(heNormal(), tf.relu);
    const xavier = varianceRatio(glorotUniform(), tf.relu);
    expect(he).toBeGreaterThan(0.5);
    expect(he).toBeLessThan(2);
    expect(xavier).toBeLessThan(1e-3);
    expect(xavier).toBeGreaterThan(0);
  });

  test('tanh: Xavier with tanh gain 5/3 stays within an order of magnitude; a too-small uniform init collapses', () => {
    const xavier = varianceRatio(initializerFor(TANH_HINT), tf.tanh);
    const tooSmall = varianceRatio(uniform({ min: -0.01, max: 0.01 }), tf.tanh);
    expect(xavier).toBeGreaterThan(0.1);
    expect(xavier).toBeLessThan(10);
    expect(tooSmall).toBeLessThan(1e-6);
  });

  test('tanh: gain-1 Xavier decays only polynomially, Var[y_L] ≈ Var[y_1]/(1 + 2·Var[y_1]·L)', () => {
    const plain = varianceRatio(glorotUniform(), tf.tanh);
    expect(plain).toBeGreaterThan(1e-3);
    expect(plain).toBeLessThan(0.05);
  });
});
