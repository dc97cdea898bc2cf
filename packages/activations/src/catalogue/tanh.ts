/** tanh: f(x) = tanh x, f′(x) = 1 − tanh² x. Zero-centred, saturating; gain 5/3. */
import { square, sub, tanh as tfTanh, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';

export const tanh = defineActivation({
  name: 'tanh',
  defaults: {},
  forward: (x: Tensor) => tfTanh(x),
  derivative: (x: Tensor) => sub(1, square(tfTanh(x))),
  customGradient: false,
  gain: () => 5 / 3,
  recommendedInit: 'glorotUniform',
  paper: { authors: 'Y. LeCun, L. Bottou, G. B. Orr, K.-R. Müller', title: 'Efficient BackProp', year: 1998 },
  range: () => [-1, 1],
});
