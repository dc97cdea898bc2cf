/**
 * Names to objects: activations and initialisers given by registry name (or `{ name, options }`, or an
 * object already made) resolve through `@gradwell/activations` and `@gradwell/init`, so an unknown name
 * fails with the list of known ones.
 */
import {
  GradwellArgumentError,
  hasInitializationHint,
  type ActivationFunction,
  type Initializer,
  type ObjectResolvers,
} from '@gradwell/core';
import { getActivation, type ActivationOptions } from '@gradwell/activations';
import { getInitializer, initializerFor, initializerFromConfig } from '@gradwell/init';

/** An activation by name (`'gelu'`), by name with options, or an activation object. */
export type ActivationSpec = string | { name: string; options?: ActivationOptions } | ActivationFunction;

/** An initialiser by name (`'heNormal'`), by name with options, or an initialiser object. */
export type InitializerSpec = string | { name: string; options?: Record<string, unknown> } | Initializer;

function isActivationObject(spec: ActivationSpec): spec is ActivationFunction {
  return typeof spec === 'object' && typeof (spec as Partial<ActivationFunction>).apply === 'function';
}

function isInitializerObject(spec: InitializerSpec): spec is Initializer {
  return typeof spec === 'object' && typeof (spec as Partial<Initializer>).apply === 'function';
}

export function resolveActivation(spec: ActivationSpec, argument = 'activation'): ActivationFunction {
  if (typeof spec === 'string') return getActivation(spec);
  if (spec !== null && typeof spec === 'object') {
    if (isActivationObject(spec)) return spec;
    if (typeof spec.name === 'string') return getActivation(spec.name, spec.options);
  }
  throw new GradwellArgumentError(
    'activation',
    argument,
    "a name ('relu'), { name, options } or an activation",
    spec,
  );
}

export function resolveInitializer(spec: InitializerSpec, argument = 'initializer'): Initializer {
  if (typeof spec === 'string') return getInitializer(spec);
  if (spec !== null && typeof spec === 'object') {
    if (isInitializerObject(spec)) return spec;
    if (typeof spec.name === 'string') return getInitializer(spec.name, spec.options ?? {});
  }
  throw new GradwellArgumentError(
    'initializer',
    argument,
    "a name ('heNormal'), { name, options } or an initializer",
    spec,
  );
}

/** How a layer's kernel initialiser came about, for `summary()`. */
export interface InitializerChoice {
  initializer: Initializer;
  /** 'given' by the user, or 'chosen' from the activation (the lecture's pairing). */
  source: 'given' | 'chosen';
  /** The activation it was chosen for. */
  activation?: string;
}

/**
 * The kernel initialiser of a layer: the given one, else the one that pairs with the layer's activation
 * (`initializerFor`: Glorot with the activation's gain for saturating ones, He for the ReLU family,
 * LeCun for SELU); a layer without an activation is linear and gets Glorot-uniform.
 */
export function chooseKernelInitializer(
  given: InitializerSpec | undefined,
  activation: ActivationFunction | undefined,
): InitializerChoice {
  if (given !== undefined)
    return { initializer: resolveInitializer(given, 'kernelInitializer'), source: 'given' };
  const name = activation?.name ?? 'linear';
  try {
    // A registry activation carries its initialisation hint; another object is looked up by name.
    const hinted = hasInitializationHint(activation)
      ? activation
      : getActivation(name, (activation?.getConfig?.() ?? {}) as ActivationOptions);
    return { initializer: initializerFor(hinted), source: 'chosen', activation: name };
  } catch (error) {
    throw new Error(
      `cannot choose a kernel initialiser for activation '${name}': ${(error as Error).message} Register the activation, or give 'kernelInitializer'.`,
    );
  }
}

/** Resolvers for deserialising models: initialisers and activations by their registry names. */
export const TRAINER_RESOLVERS: ObjectResolvers = {
  initializer: (serialized) => initializerFromConfig(serialized),
  activation: (serialized) => getActivation(serialized.className, serialized.config as ActivationOptions),
};
