/**
 * mish: f(x) = x·tanh(ς(x)), ς(x) = ln(1 + eˣ); f′(x) = tanh(ς) + x·(1 − tanh² ς)·σ(x). Misra 2019.
 */
import { add, mul, sigmoid, softplus, square, sub, tanh, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { SQRT2 } from './references';

export const mish = defineActivation({
  name: 'mish',
  defaults: {},
  forward: (x: Tensor) => mul(x, tanh(softplus(x))),
  derivative: (x: Tensor) => {
    const t = tanh(softplus(x));
    return add(t, mul(mul(x, sub(1, square(t))), sigmoid(x)));
  },
  // Measured on wasm (bench/activations.bench.mjs): tfjs's autodiff through the forward is faster
  // than this analytic derivative, so `apply` uses autodiff; `derivative` serves plots and diagnostics.
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'D. Misra',
    title: 'Mish: A Self Regularized Non-Monotonic Neural Activation Function',
    year: 2019,
    url: 'https://arxiv.org/abs/1908.08681',
  },
  range: () => [-0.31, Number.POSITIVE_INFINITY],
});
