/** relu: f(x) = max(0, x), f′(x) = 1 for x > 0, else 0 (so a unit whose inputs are all ≤ 0 dies). */
import { cast, greater, relu as tfRelu, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { NAIR_HINTON_2010, POSITIVE_REALS, SQRT2 } from './references';

export const relu = defineActivation({
  name: 'relu',
  defaults: {},
  forward: (x: Tensor) => tfRelu(x),
  derivative: (x: Tensor) => cast(greater(x, 0), 'float32'),
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: NAIR_HINTON_2010,
  range: () => POSITIVE_REALS,
  kinks: () => [0],
  fused: 'relu',
});
