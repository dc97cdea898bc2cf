/**
 * step (Heaviside): f(x) = 1 for x > 0, else 0. Its derivative is 0 almost everywhere, so nothing
 * learns through it; `straightThrough: true` passes the gradient through unchanged (f′ taken as 1, the
 * straight-through estimator of Bengio et al. 2013), which `derivative` then reports too.
 */
import { cast, greater, onesLike, zerosLike, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { keepNaN } from './references';

export const step = defineActivation({
  name: 'step',
  aliases: ['heaviside'],
  defaults: { straightThrough: false },
  forward: (x: Tensor) => keepNaN(x, cast(greater(x, 0), 'float32')),
  derivative: (x: Tensor, { straightThrough }) => (straightThrough ? onesLike(x) : zerosLike(x)),
  customGradient: true,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: {
    authors: 'Y. Bengio, N. Léonard, A. Courville',
    title: 'Estimating or Propagating Gradients Through Stochastic Neurons for Conditional Computation',
    year: 2013,
    url: 'https://arxiv.org/abs/1308.3432',
  },
  range: () => [0, 1],
  kinks: () => [0],
});
