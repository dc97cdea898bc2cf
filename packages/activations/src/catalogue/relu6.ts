/** relu6: f(x) = min(max(0, x), 6); f′(x) = 1 on (0, 6] (tfjs's convention at 6), else 0. Krizhevsky 2010. */
import { cast, greater, lessEqual, logicalAnd, relu6 as tfRelu6, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { keepNaN, SQRT2 } from './references';

export const relu6 = defineActivation({
  name: 'relu6',
  defaults: {},
  forward: (x: Tensor) => keepNaN(x, tfRelu6(x)),
  derivative: (x: Tensor) => cast(logicalAnd(greater(x, 0), lessEqual(x, 6)), 'float32'),
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: { authors: 'A. Krizhevsky', title: 'Convolutional Deep Belief Networks on CIFAR-10', year: 2010 },
  range: () => [0, 6],
  kinks: () => [0, 6],
});
