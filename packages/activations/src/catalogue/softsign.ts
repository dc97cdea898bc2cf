/** softsign: f(x) = x / (1 + |x|); f′(x) = 1 / (1 + |x|)². Saturates polynomially, not exponentially. */
import { abs, add, div, reciprocal, square, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';

export const softsign = defineActivation({
  name: 'softsign',
  defaults: {},
  forward: (x: Tensor) => div(x, add(1, abs(x))),
  derivative: (x: Tensor) => reciprocal(square(add(1, abs(x)))),
  customGradient: true,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: {
    authors: 'J. Bergstra, G. Desjardins, P. Lamblin, Y. Bengio',
    title: 'Quadratic Polynomials Learn Better Image Features',
    year: 2009,
  },
  range: () => [-1, 1],
  // f′ is continuous at 0 but f″ jumps there, so finite differences are only O(h) accurate at 0.
  kinks: () => [0],
});
