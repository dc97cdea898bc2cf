/**
 * Layer builders that take names: `dense({ units: 256, activation: 'gelu' })` resolves the activation
 * through `@gradwell/activations` and, unless `kernelInitializer` is given, picks the initialiser that
 * pairs with it (He for the ReLU family, Glorot with the activation's gain for tanh/sigmoid, LeCun for
 * SELU). `summary()` reports which initialiser each layer got and why.
 */
import {
  ActivationLayer,
  assertBoolean,
  Conv2d,
  Dense,
  type Conv2dArgs,
  type DenseArgs,
  type Layer,
} from '@gradwell/core';
import { WeightNormConv2d, WeightNormDense } from '@gradwell/batchnorm';
import { DropConnectDense, type DropConnectArgs } from '@gradwell/regularizers';
import { Maxout, type MaxoutArgs } from '@gradwell/activations';
import {
  chooseKernelInitializer,
  resolveActivation,
  resolveInitializer,
  type ActivationSpec,
  type InitializerChoice,
  type InitializerSpec,
} from './resolve';

const initializerChoices = new WeakMap<Layer, InitializerChoice>();

/** How the layer's kernel initialiser was picked (undefined for layers built elsewhere or without one). */
export function initializerChoiceOf(layer: Layer): InitializerChoice | undefined {
  return initializerChoices.get(layer);
}

type Named<T, K extends keyof T> = Omit<T, K> & {
  activation?: ActivationSpec;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /**
   * The activation that follows as a separate layer (e.g. dense → batch norm → relu): the kernel
   * initialiser is chosen for it rather than for this layer's own (linear) output.
   */
  initializeFor?: ActivationSpec;
};

/** `weightNorm: true` makes the layer weight-normalised (`@gradwell/batchnorm`'s WeightNormDense/Conv2d). */
interface WeightNormOption {
  weightNorm?: boolean;
}

export type DenseSpec = Named<DenseArgs, 'activation' | 'kernelInitializer' | 'biasInitializer'> &
  WeightNormOption;
export type Conv2dSpec = Named<Conv2dArgs, 'activation' | 'kernelInitializer' | 'biasInitializer'> &
  WeightNormOption;
export type DropConnectSpec = Named<DropConnectArgs, 'activation' | 'kernelInitializer' | 'biasInitializer'>;
export type MaxoutSpec = Omit<MaxoutArgs, 'kernelInitializer' | 'biasInitializer'> & {
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
};

function resolveParts(spec: {
  activation?: ActivationSpec;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  initializeFor?: ActivationSpec;
}) {
  // null, as in Keras configs, is no activation (linear).
  const activation =
    spec.activation === undefined || spec.activation === null
      ? undefined
      : resolveActivation(spec.activation);
  if (spec.initializeFor !== undefined && spec.activation !== undefined)
    throw new Error(
      "give either 'activation' or 'initializeFor' (the activation of a later layer), not both.",
    );
  const pairing =
    spec.initializeFor === undefined ? activation : resolveActivation(spec.initializeFor, 'initializeFor');
  const choice = chooseKernelInitializer(spec.kernelInitializer, pairing);
  const biasInitializer =
    spec.biasInitializer === undefined
      ? undefined
      : resolveInitializer(spec.biasInitializer, 'biasInitializer');
  return { activation, choice, biasInitializer };
}

function withoutPairing<T extends { initializeFor?: ActivationSpec; weightNorm?: boolean }>(
  spec: T,
): Omit<T, 'initializeFor' | 'weightNorm'> {
  const { initializeFor: _ignored, weightNorm: _weightNorm, ...rest } = spec;
  return rest;
}

/** The spec's `weightNorm`, checked. */
function weightNormOf(context: string, spec: WeightNormOption): boolean {
  if (spec.weightNorm !== undefined) assertBoolean(context, 'weightNorm', spec.weightNorm);
  return spec.weightNorm === true;
}

function withChoice<L extends Layer>(layer: L, choice: InitializerChoice): L {
  initializerChoices.set(layer, choice);
  return layer;
}

/** A fully connected layer with its activation and initialisers given by name (weight-normalised on ask). */
export function dense(spec: DenseSpec): Dense {
  const Class = weightNormOf('dense', spec) ? WeightNormDense : Dense;
  const { activation, choice, biasInitializer } = resolveParts(spec);
  return withChoice(
    new Class({
      ...withoutPairing(spec),
      activation,
      kernelInitializer: choice.initializer,
      biasInitializer,
    }),
    choice,
  );
}

/** A 2-D convolution (NHWC) with its activation and initialisers given by name (weight-normalised on ask). */
export function conv2d(spec: Conv2dSpec): Conv2d {
  const Class = weightNormOf('conv2d', spec) ? WeightNormConv2d : Conv2d;
  const { activation, choice, biasInitializer } = resolveParts(spec);
  return withChoice(
    new Class({
      ...withoutPairing(spec),
      activation,
      kernelInitializer: choice.initializer,
      biasInitializer,
    }),
    choice,
  );
}

/** DropConnect dense layer (random weight masks in training) with names resolved. */
export function dropConnect(spec: DropConnectSpec): DropConnectDense {
  const { activation, choice, biasInitializer } = resolveParts(spec);
  return withChoice(
    new DropConnectDense({
      ...withoutPairing(spec),
      activation,
      kernelInitializer: choice.initializer,
      biasInitializer,
    }),
    choice,
  );
}

/** Maxout units (max over k linear pieces); linear pieces, so Glorot-uniform unless given. */
export function maxout(spec: MaxoutSpec): Maxout {
  const choice = chooseKernelInitializer(spec.kernelInitializer, undefined);
  const biasInitializer =
    spec.biasInitializer === undefined ? undefined : resolveInitializer(spec.biasInitializer);
  return withChoice(new Maxout({ ...spec, kernelInitializer: choice.initializer, biasInitializer }), choice);
}

/** An activation as a layer of its own: `activation('relu')`, `activation({ name: 'elu', options: { alpha: 0.5 } })`. */
export function activation(spec: ActivationSpec, args: { name?: string } = {}): ActivationLayer {
  return new ActivationLayer(resolveActivation(spec), args);
}
