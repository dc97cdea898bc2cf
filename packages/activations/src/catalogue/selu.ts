/**
 * selu: f(x) = λx for x > 0, λα(eˣ − 1) otherwise, with λ ≈ 1.0507 and α ≈ 1.6733 chosen so that, with
 * LeCun-normal weights, activations converge to zero mean and unit variance (self-normalising).
 * Klambauer et al. 2017. Gain 3/4 (as in PyTorch).
 */
import { add, exp, fill, greater, minimum, mul, sub, where, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation } from '../define-activation';

export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

export const selu = defineActivation({
  name: 'selu',
  defaults: {},
  forward: (x: Tensor) =>
    where(greater(x, 0), mul(SELU_SCALE, x), mul(SELU_SCALE * SELU_ALPHA, sub(exp(minimum(x, 0)), 1))),
  derivative: (x: Tensor) =>
    where(greater(x, 0), fill(x.shape, SELU_SCALE), mul(SELU_SCALE * SELU_ALPHA, exp(minimum(x, 0)))),
  customGradient: true,
  savedGradient: {
    forward: (x: Tensor) => {
      const value = where(
        greater(x, 0),
        mul(SELU_SCALE, x),
        mul(SELU_SCALE * SELU_ALPHA, sub(exp(minimum(x, 0)), 1)),
      );
      return { value, saved: [value] };
    },
    // λαeˣ = f(x) + λα on the negative side.
    derivative: (x: Tensor, [y]) =>
      where(greater(x, 0), fill(x.shape, SELU_SCALE), add(y as Tensor, SELU_SCALE * SELU_ALPHA)),
  },
  gain: () => 3 / 4,
  recommendedInit: 'lecunNormal',
  paper: {
    authors: 'G. Klambauer, T. Unterthiner, A. Mayr, S. Hochreiter',
    title: 'Self-Normalizing Neural Networks',
    year: 2017,
    url: 'https://arxiv.org/abs/1706.02515',
  },
  range: () => [-SELU_SCALE * SELU_ALPHA, Number.POSITIVE_INFINITY],
  kinks: () => [0],
});
