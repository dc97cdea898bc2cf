/** hardSigmoid: f(x) = relu6(x + 3)/6; f′(x) = 1/6 on (−3, 3), else 0. Howard et al. 2019 (MobileNetV3). */
import { cast, div, greater, less, logicalAnd, mul, add, relu6, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';
import { keepNaN } from './references';

export const MOBILENET_V3 = {
  authors: 'A. Howard et al.',
  title: 'Searching for MobileNetV3',
  year: 2019,
  url: 'https://arxiv.org/abs/1905.02244',
};

/** 1 on (−3, 3), else 0. */
export const insideHardRange = (x: Tensor): Tensor => cast(logicalAnd(greater(x, -3), less(x, 3)), 'float32');

export const hardSigmoid = defineActivation({
  name: 'hardSigmoid',
  defaults: {},
  forward: (x: Tensor) => keepNaN(x, div(relu6(add(x, 3)), 6)),
  derivative: (x: Tensor) => mul(insideHardRange(x), 1 / 6),
  customGradient: true,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: MOBILENET_V3,
  range: () => [0, 1],
  kinks: () => [-3, 3],
});
