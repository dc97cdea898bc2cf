/**
 * leakyRelu: f(x) = x for x > 0, αx otherwise; f′ = 1 or α. A small slope keeps units from dying
 * (default α = 0.01, Maas et al.; the lecture uses 0.1). Gain √(2 / (1 + α²)), He et al. 2015.
 */
import { cast, greater, leakyRelu as tfLeakyRelu, where, fill, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange } from '@gradwell/core';
import { defineActivation } from '../define-activation';
import { ALL_REALS } from './references';

export const leakyRelu = defineActivation({
  name: 'leakyRelu',
  defaults: { alpha: 0.01 },
  validate: ({ alpha }) => assertInRange('leakyRelu', 'alpha', alpha, { min: 0, max: 1 }),
  forward: (x: Tensor, { alpha }) => tfLeakyRelu(x, alpha),
  derivative: (x: Tensor, { alpha }) =>
    where(greater(x, 0), cast(fill(x.shape, 1), 'float32'), fill(x.shape, alpha)),
  customGradient: false,
  gain: ({ alpha }) => Math.sqrt(2 / (1 + alpha * alpha)),
  recommendedInit: 'heNormal',
  initOptions: ({ alpha }) => ({ negativeSlope: alpha }),
  paper: {
    authors: 'A. L. Maas, A. Y. Hannun, A. Y. Ng',
    title: 'Rectifier Nonlinearities Improve Neural Network Acoustic Models',
    year: 2013,
  },
  range: () => ALL_REALS,
  kinks: () => [0],
});
