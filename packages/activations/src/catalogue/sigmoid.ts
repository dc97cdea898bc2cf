/**
 * sigmoid: σ(x) = 1 / (1 + e⁻ˣ), σ′(x) = σ(x)(1 − σ(x)) ≤ 1/4 — saturates on both sides, the vanishing
 * gradient of deep sigmoid nets. Output of binary classifiers.
 */
import { mul, sigmoid as tfSigmoid, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';

export const sigmoid = defineActivation({
  name: 'sigmoid',
  aliases: ['logistic'],
  defaults: {},
  forward: (x: Tensor) => tfSigmoid(x),
  derivative: (x: Tensor) => {
    const s = tfSigmoid(x);
    return mul(s, sub(1, s));
  },
  customGradient: false,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: {
    authors: 'D. E. Rumelhart, G. E. Hinton, R. J. Williams',
    title: 'Learning representations by back-propagating errors',
    year: 1986,
  },
  range: () => [0, 1],
});
