/**
 * Bent identity, f(x) = (√(x² + 1) − 1)/2 + x, f′(x) = x / (2√(x² + 1)) + 1: a smooth, unbounded,
 * never-saturating activation whose slope stays in (1/2, 3/2). An example of an activation plugin
 * written outside gradwell: nothing here touches gradwell's own files.
 */
import { add, div, mul, sqrt, square, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineActivation, registerActivation } from '@gradwell/activations';

const root = (x: Tensor): Tensor => sqrt(add(square(x), 1));

export const bentIdentity = defineActivation({
  name: 'bentIdentity',
  defaults: {},
  forward: (x: Tensor) => add(div(sub(root(x), 1), 2), x),
  derivative: (x: Tensor) => add(div(x, mul(2, root(x))), 1),
  customGradient: true,
  gain: () => 1,
  recommendedInit: 'glorotUniform',
  range: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
});

/** Adds bent identity to gradwell's activation registry (`getActivation('bentIdentity')`, `'bent_identity'`). */
export function registerBentIdentity(): void {
  registerActivation(bentIdentity);
}
