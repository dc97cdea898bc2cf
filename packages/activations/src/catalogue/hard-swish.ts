/**
 * hardSwish: f(x) = x·relu6(x + 3)/6; f′(x) = 0 for x ≤ −3, (2x + 3)/6 on (−3, 3], 1 above (at the kink
 * x = 3 the value tfjs's autodiff gives, which `apply` uses: it is faster than an analytic gradient here).
 */
import {
  add,
  cast,
  div,
  greater,
  lessEqual,
  logicalAnd,
  mul,
  onesLike,
  relu6,
  where,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { MOBILENET_V3 } from './hard-sigmoid';
import { SQRT2 } from './references';

export const hardSwish = defineActivation({
  name: 'hardSwish',
  defaults: {},
  forward: (x: Tensor) => mul(x, div(relu6(add(x, 3)), 6)),
  derivative: (x: Tensor) =>
    where(
      greater(x, 3),
      onesLike(x),
      mul(cast(logicalAnd(greater(x, -3), lessEqual(x, 3)), 'float32'), div(add(mul(2, x), 3), 6)),
    ),
  customGradient: false,
  gain: () => SQRT2,
  recommendedInit: 'heNormal',
  paper: MOBILENET_V3,
  range: () => [-0.375, Number.POSITIVE_INFINITY],
  kinks: () => [-3, 3],
});
