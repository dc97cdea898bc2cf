/**
 * celu: f(x) = max(0, x) + min(0, α(e^{x/α} − 1)); f′(x) = 1 for x > 0, e^{x/α} otherwise — an ELU whose
 * derivative is continuous for every α. Barron 2017.
 */
import { div, exp, greater, minimum, mul, onesLike, sub, where, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange } from '@gradwell/core';
import { defineActivation } from '../define-activation';
import { SQRT2 } from './references';

export const celu = defineActivation({
  name: 'celu',
  defaults: { alpha: 1 },
  validate: ({ alpha }) => assertInRange('celu', 'alpha', alpha, { min: 0, minInclusive: false }),
  forward: (x: Tensor, { alpha }) =>
    where(greater(x, 0), x, mul(alpha, sub(exp(div(minimum(x, 0), alpha)), 1))),
  derivative: (x: Tensor, { alpha }) => where(greater(x, 0), onesLike(x), exp(div(minimum(x, 0), alpha))),
  // Measured on wasm (bench/activations.bench.mjs): tfjs's autodiff through the forward is faster
  // than this analytic derivative, so `apply` uses autodiff; `derivative` serves plots and diagnostics.
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'J. T. Barron',
    title: 'Continuously Differentiable Exponential Linear Units',
    year: 2017,
    url: 'https://arxiv.org/abs/1704.07483',
  },
  range: ({ alpha }) => [-alpha, Number.POSITIVE_INFINITY],
});
