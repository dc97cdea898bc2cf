/** softplus: f(x) = ln(1 + eˣ) (a smooth ReLU); f′(x) = σ(x). Dugas et al. 2001. */
import { sigmoid, softplus as tfSoftplus, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { POSITIVE_REALS, SQRT2 } from './references';

export const softplus = defineActivation({
  name: 'softplus',
  defaults: {},
  forward: (x: Tensor) => tfSoftplus(x),
  derivative: (x: Tensor) => sigmoid(x),
  customGradient: true,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'C. Dugas, Y. Bengio, F. Bélisle, C. Nadeau, R. Garcia',
    title: 'Incorporating Second-Order Functional Knowledge for Better Option Pricing',
    year: 2001,
  },
  range: () => POSITIVE_REALS,
});
