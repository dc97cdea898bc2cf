/** Gains by activation name, as PyTorch's `calculate_gain` gives them (read from the activations' metadata). */
import { assertInRange, GradwellArgumentError } from '@gradwell/core';
import { getActivation } from './registry';

/**
 * The recommended gain for an activation (PyTorch's `calculate_gain` values: linear 1, sigmoid 1, tanh 5/3,
 * relu √2, leaky relu √(2/(1 + slope²)), selu 3/4). `param` is leaky ReLU's negative slope.
 */
export function calculateGain(activation: string, param?: number): number {
  if (param === undefined) return getActivation(activation).gain;
  const { name } = getActivation(activation);
  if (name !== 'leakyRelu')
    throw new GradwellArgumentError(
      'calculateGain',
      'param',
      `left out: '${name}' takes no parameter (only leakyRelu does, its negative slope)`,
      param,
    );
  assertInRange('calculateGain', 'param', param, { min: 0, max: 1 });
  return getActivation(name, { alpha: param }).gain;
}
