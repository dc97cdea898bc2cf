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

/** The initialiser that keeps an activation's signal variance constant through depth (the lecture's pairing). */
export type RecommendedInit = 'glorotUniform' | 'heNormal' | 'lecunNormal';

/**
 * What an activation says about its initialisation: the gain (tanh 5/3, relu √2, …) and the scheme that
 * pairs with it. `@gradwell/activations`' activations carry it; `@gradwell/init`'s `initializerFor` reads it.
 */
export interface InitializationHint {
  readonly gain: number;
  readonly recommendedInit: RecommendedInit;
  /** Extra options for the recommended initialiser (e.g. leaky ReLU's negative slope). */
  readonly initOptions?: Readonly<Record<string, number>>;
}

/** Whether an activation (or any object) carries an {@link InitializationHint}. */
export function hasInitializationHint(value: unknown): value is InitializationHint {
  const candidate = value as Partial<InitializationHint> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.gain === 'number' &&
    (candidate.recommendedInit === 'glorotUniform' ||
      candidate.recommendedInit === 'heNormal' ||
      candidate.recommendedInit === 'lecunNormal')
  );
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
