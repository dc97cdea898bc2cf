/**
 * gelu: x·Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel 2016).
 * - `approximate: 'none'` (default): 0.5x(1 + erf(x/√2)); f′ = Φ(x) + x·φ(x).
 * - `approximate: 'tanh'` (the lecture's formula): 0.5x(1 + tanh u), u = √(2/π)(x + 0.044715x³);
 *   f′ = 0.5(1 + tanh u) + 0.5x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²).
 */
import { add, erf, exp, mul, square, sub, tanh, type Tensor } from '@tensorflow/tfjs-core';
import { assertOneOf } from '@gradwell/core';
import { defineActivation } from '../define-activation';
import { SQRT2 } from './references';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const CUBIC = 0.044715;

const cdf = (x: Tensor): Tensor => mul(0.5, add(1, erf(mul(x, Math.SQRT1_2))));
const tanhInner = (x: Tensor): Tensor => tanh(mul(SQRT_2_OVER_PI, add(x, mul(CUBIC, mul(x, square(x))))));

export const gelu = defineActivation({
  name: 'gelu',
  defaults: { approximate: 'none' },
  validate: ({ approximate }) => assertOneOf('gelu', 'approximate', approximate, ['none', 'tanh']),
  forward: (x: Tensor, { approximate }) =>
    approximate === 'tanh' ? mul(mul(0.5, x), add(1, tanhInner(x))) : mul(x, cdf(x)),
  derivative: (x: Tensor, { approximate }) => {
    if (approximate === 'tanh') {
      const t = tanhInner(x);
      const inner = mul(SQRT_2_OVER_PI, add(1, mul(3 * CUBIC, square(x))));
      return add(mul(0.5, add(1, t)), mul(mul(mul(0.5, x), sub(1, square(t))), inner));
    }
    return add(cdf(x), mul(x, mul(INV_SQRT_2PI, exp(mul(-0.5, square(x))))));
  },
  // Measured on wasm (bench/activations.bench.mjs): tfjs's autodiff through the forward is faster
  // than this analytic derivative, so `apply` uses autodiff; `derivative` serves plots and diagnostics.
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'D. Hendrycks, K. Gimpel',
    title: 'Gaussian Error Linear Units (GELUs)',
    year: 2016,
    url: 'https://arxiv.org/abs/1606.08415',
  },
  range: () => [-0.17, Number.POSITIVE_INFINITY],
});
