/**
 * swish: f(x) = x·σ(βx); f′(x) = σ(βx) + βx·σ(βx)(1 − σ(βx)). With β = 1 it is SiLU (alias `silu`).
 * Ramachandran, Zoph & Le 2017.
 */
import { add, mul, sigmoid, sub, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange } from '@gradwell/core';
import { defineActivation } from '../define-activation';
import { SQRT2 } from './references';

export const swish = defineActivation({
  name: 'swish',
  aliases: ['silu'],
  defaults: { beta: 1 },
  validate: ({ beta }) => assertInRange('swish', 'beta', beta, { min: 0, minInclusive: false }),
  forward: (x: Tensor, { beta }) => mul(x, sigmoid(mul(beta, x))),
  derivative: (x: Tensor, { beta }) => {
    const s = sigmoid(mul(beta, x));
    return add(s, mul(mul(beta, x), mul(s, sub(1, s))));
  },
  customGradient: true,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'P. Ramachandran, B. Zoph, Q. V. Le',
    title: 'Searching for Activation Functions',
    year: 2017,
    url: 'https://arxiv.org/abs/1710.05941',
  },
  range: () => [-0.28, Number.POSITIVE_INFINITY],
});
