/**
 * Gains and the lecture's pairing of activations with initialisers ("sigmoid/tanh → Xavier, ReLU family
 * → He"), read from `@gradwell/activations`' metadata.
 */
import { getActivation } from '@gradwell/activations';
import type { GradwellInitializer } from './initializer';
import { getInitializer } from './registry';

/**
 * The recommended gain for an activation (PyTorch's `calculate_gain` values: linear 1, sigmoid 1, tanh 5/3,
 * relu √2, leaky relu √(2/(1 + slope²)), selu 3/4). `param` is leaky ReLU's negative slope.
 */
export function calculateGain(activation: string, param?: number): number {
  if (param === undefined) return getActivation(activation).gain;
  const { name } = getActivation(activation);
  if (name !== 'leakyRelu')
    throw new Error(`calculateGain: '${name}' takes no parameter; only leakyRelu does (its negative slope).`);
  return getActivation(name, { alpha: param }).gain;
}

/**
 * The initialiser that pairs with an activation (the lecture's table): Glorot for saturating activations,
 * with the activation's gain (tanh 5/3, as PyTorch applies it, so a deep tanh net keeps its variance);
 * He for the ReLU family (its √2 is He's factor 2, and leaky ReLU's slope goes in as `negativeSlope`);
 * LeCun-normal for SELU (no gain: self-normalisation needs Var = 1/n exactly).
 */
export function initializerFor(
  activation: string,
  options: Record<string, number | string | boolean> = {},
): GradwellInitializer {
  const resolved = getActivation(activation, options);
  if (resolved.recommendedInit === 'glorotUniform')
    return getInitializer('glorotUniform', { gain: resolved.gain });
  return getInitializer(resolved.recommendedInit, { ...resolved.initOptions });
}
