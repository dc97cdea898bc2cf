/**
 * The lecture's pairing of activations with initialisers ("sigmoid/tanh → Xavier, ReLU family → He"),
 * read from the activation's own initialisation hint (its gain and scheme, core's `InitializationHint`,
 * which every `@gradwell/activations` activation carries) — so init depends on core alone.
 */
import { GradwellArgumentError, hasInitializationHint, type InitializationHint } from '@gradwell/core';
import type { GradwellInitializer } from './initializer';
import { getInitializer } from './registry';

/**
 * The initialiser that pairs with an activation (the lecture's table): Glorot for saturating activations,
 * with the activation's gain (tanh 5/3, as PyTorch applies it, so a deep tanh net keeps its variance);
 * He for the ReLU family (its √2 is He's factor 2, and leaky ReLU's slope goes in as `negativeSlope`);
 * LeCun-normal for SELU (no gain: self-normalisation needs Var = 1/n exactly).
 *
 *     initializerFor(getActivation('tanh'))   // glorotUniform({ gain: 5/3 })
 */
export function initializerFor(activation: InitializationHint): GradwellInitializer {
  if (!hasInitializationHint(activation))
    throw new GradwellArgumentError(
      'initializerFor',
      'activation',
      "an activation with an initialisation hint ({ gain, recommendedInit }, as getActivation('tanh') has)",
      activation,
    );
  if (activation.recommendedInit === 'glorotUniform')
    return getInitializer('glorotUniform', { gain: activation.gain });
  return getInitializer(activation.recommendedInit, { ...activation.initOptions });
}
