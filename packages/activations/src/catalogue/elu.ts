/**
 * elu: f(x) = x for x > 0, α(eˣ − 1) otherwise; f′(x) = 1 for x > 0, f(x) + α = αeˣ otherwise (the
 * lecture's form). Negative outputs push mean activations towards zero. Clevert et al. 2016.
 */
import { add, exp, greater, minimum, mul, onesLike, sub, where, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange } from '@gradwell/core';
import { defineActivation } from '../define-activation';
import { SQRT2 } from './references';

/** αeˣ on the negative side, computed on min(x, 0) so large positive x cannot overflow. */
const negativeSide = (x: Tensor, alpha: number): Tensor => mul(alpha, exp(minimum(x, 0)));

export const elu = defineActivation({
  name: 'elu',
  defaults: { alpha: 1 },
  validate: ({ alpha }) => assertInRange('elu', 'alpha', alpha, { min: 0, minInclusive: false }),
  forward: (x: Tensor, { alpha }) => where(greater(x, 0), x, sub(negativeSide(x, alpha), alpha)),
  derivative: (x: Tensor, { alpha }) => where(greater(x, 0), onesLike(x), negativeSide(x, alpha)),
  customGradient: true,
  savedGradient: {
    forward: (x: Tensor, { alpha }) => {
      const value = where(greater(x, 0), x, sub(negativeSide(x, alpha), alpha));
      return { value, saved: [value] };
    },
    derivative: (x: Tensor, [y], { alpha }) => where(greater(x, 0), onesLike(x), add(y as Tensor, alpha)),
  },
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: {
    authors: 'D.-A. Clevert, T. Unterthiner, S. Hochreiter',
    title: 'Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)',
    year: 2016,
    url: 'https://arxiv.org/abs/1511.07289',
  },
  range: ({ alpha }) => [-alpha, Number.POSITIVE_INFINITY],
  kinks: ({ alpha }) => (alpha === 1 ? [] : [0]),
});
