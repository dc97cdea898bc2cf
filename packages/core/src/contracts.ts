/**
 * The contracts every technique package implements, so that none depends on another: initialisers,
 * activation functions and serialisable objects. Layers are in layers/layer.ts, callbacks in callbacks.ts.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RandomSource } from './random';

/** Plain-JSON serialisation: an explicit class name (never `constructor.name`) and a config. */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

/** Makes the initial value of a weight from its shape and a seeded random source. */
export interface Initializer {
  readonly className: string;
  apply(shape: readonly number[], random: RandomSource): Tensor;
  getConfig(): Record<string, unknown>;
}

/** The activations tfjs can fuse into matMul/conv2d and still differentiate. */
export type FusableActivation = 'linear' | 'relu';

/** An elementwise (or, for softmax, per-row) nonlinearity. */
export interface ActivationFunction {
  /** Canonical registry name, e.g. `relu`, `gelu`. */
  readonly name: string;
  apply(x: Tensor): Tensor;
  /** Set when tfjs's fused kernels compute this activation (forward and gradient) themselves. */
  readonly fused?: FusableActivation;
  getConfig?(): Record<string, unknown>;
}

/** Resolves serialised initialisers and activations back into objects (the trainer owns the names). */
export interface ObjectResolvers {
  initializer(serialized: SerializedObject): Initializer;
  activation(serialized: SerializedObject): ActivationFunction;
}

export function serializeInitializer(initializer: Initializer): SerializedObject {
  return { className: initializer.className, config: initializer.getConfig() };
}

export function serializeActivation(activation: ActivationFunction): SerializedObject {
  return { className: activation.name, config: activation.getConfig?.() ?? {} };
}
