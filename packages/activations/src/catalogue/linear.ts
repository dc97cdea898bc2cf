/** linear (identity): f(x) = x, f′(x) = 1. The output activation of regression heads. */
import { onesLike, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { ALL_REALS } from './references';

export const linear = defineActivation({
  name: 'linear',
  aliases: ['identity'],
  defaults: {},
  forward: (x: Tensor) => x,
  derivative: (x: Tensor) => onesLike(x),
  customGradient: false,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  range: () => ALL_REALS,
  fused: 'linear',
});
