/**
 * softmax and logSoftmax along `axis` (default the last), numerically stable (computed from
 * x − max x, so logits of ±1000 stay finite). Not elementwise: `derivative` returns the diagonal of the
 * Jacobian, ∂yᵢ/∂xᵢ = yᵢ(1 − yᵢ) for softmax and 1 − softmax(x)ᵢ for logSoftmax; autodiff uses the full
 * Jacobian-vector product (tfjs's own gradients).
 */
import {
  exp,
  logSoftmax as tfLogSoftmax,
  mul,
  softmax as tfSoftmax,
  sub,
  transpose,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { GradwellArgumentError } from '@gradwell/core';
import { defineActivation } from '../define-activation';

/** Applies `f` (which works on the last axis) along `axis`; `name` is the activation, for errors. */
function alongAxis(name: string, x: Tensor, axis: number, f: (t: Tensor) => Tensor): Tensor {
  const rank = x.rank;
  if (rank === 0)
    throw new GradwellArgumentError(name, 'x', 'a tensor of rank ≥ 1 (it normalises along an axis)', x);
  const resolved = axis < 0 ? rank + axis : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= rank) {
    throw new GradwellArgumentError(name, 'axis', `an integer axis of a rank-${rank} tensor`, axis);
  }
  if (resolved === rank - 1) return f(x);
  const permutation = Array.from({ length: rank }, (_, i) => i);
  permutation[resolved] = rank - 1;
  permutation[rank - 1] = resolved;
  return transpose(f(transpose(x, permutation)), permutation);
}

const validateAxis =
  (name: string) =>
  ({ axis }: { axis: number }) => {
    if (!Number.isInteger(axis)) throw new GradwellArgumentError(name, 'axis', 'an integer', axis);
  };

const BRIDLE_1990 = {
  authors: 'J. S. Bridle',
  title: 'Probabilistic Interpretation of Feedforward Classification Network Outputs',
  year: 1990,
};

export const softmax = defineActivation({
  name: 'softmax',
  defaults: { axis: -1 },
  validate: validateAxis('softmax'),
  forward: (x: Tensor, { axis }) => alongAxis('softmax', x, axis, (t) => tfSoftmax(t)),
  derivative: (x: Tensor, { axis }) => {
    const y = alongAxis('softmax', x, axis, (t) => tfSoftmax(t));
    return mul(y, sub(1, y));
  },
  customGradient: false,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: BRIDLE_1990,
  range: () => [0, 1],
  elementwise: false,
});

export const logSoftmax = defineActivation({
  name: 'logSoftmax',
  defaults: { axis: -1 },
  validate: validateAxis('logSoftmax'),
  forward: (x: Tensor, { axis }) => alongAxis('logSoftmax', x, axis, (t) => tfLogSoftmax(t)),
  derivative: (x: Tensor, { axis }) => sub(1, exp(alongAxis('logSoftmax', x, axis, (t) => tfLogSoftmax(t)))),
  customGradient: false,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  paper: BRIDLE_1990,
  range: () => [Number.NEGATIVE_INFINITY, 0],
  elementwise: false,
});
