/**
 * How one kind of layer is written in the tfjs-layers/Keras format and read back: the contract of the
 * entries in `formats/`. Configs here are in JavaScript spelling (camelCase, as tfjs-layers' `getConfig`
 * gives them); `keras-case.ts` turns them into the file's snake_case.
 */
import { reshape, tile, type Tensor } from '@tensorflow/tfjs-core';
import type { Layer } from '@gradwell/core';
import { ModelFileError } from './model-file-error';

/** A layer as tfjs-layers writes it, and its weights under their Keras names (`kernel`, `moving_mean`). */
export interface LayersLayer {
  className: string;
  /** Without `name`, `trainable`, `batchInputShape` and `dtype`: the writer adds those. */
  config: Record<string, unknown>;
  /** In the order Keras lists them; a tensor made for the file (reshaped, tiled) is freed by the writer. */
  weights: Array<{ param: string; value: Tensor }>;
}

/** A layer as a file describes it: class, config (JavaScript spelling), name, per-example input shape. */
export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
  name: string;
  inputShape: readonly number[];
}

/** A layer spec and the file's weights: `weight(param)` by Keras parameter name (undefined when absent). */
export interface LayersLayerInput extends LayerSpec {
  weight(param: string): Tensor | undefined;
}

/** One kind of layer in both directions. */
export interface LayerFormat {
  /** gradwell `className`s written by `write`. */
  readonly gradwell: readonly string[];
  /** tfjs-layers/Keras class names read by `create`. */
  readonly layers: readonly string[];
  write(layer: Layer, inputShape: readonly number[]): LayersLayer;
  /**
   * The layer as Keras 2's standard classes write it, where it differs from `write` only in training (a
   * reparameterisation such as weight norm, written as the plain layer it computes); `write` elsewhere.
   */
  writeKeras?(layer: Layer, inputShape: readonly number[]): LayersLayer;
  /** The gradwell layer a class and config describe (its weights not yet set). */
  create(spec: LayerSpec): Layer;
  /**
   * The file's weights as values of the layer's gradwell weights, by short name (`kernel`, `movingMean`);
   * tensors it makes (reshaped) are freed by the caller.
   */
  values(input: LayersLayerInput): Record<string, Tensor>;
}

/** The weight `param` of a layer in a file, or a named error. */
export function requiredWeight(input: LayersLayerInput, param: string): Tensor {
  const value = input.weight(param);
  if (value === undefined)
    throw new ModelFileError(
      'weight-mismatch',
      `layer '${input.name}' (${input.className}): the weights manifest has no '${input.name}/${param}'.`,
    );
  return value;
}

/** A gradwell weight's variable, by its short name. */
export function weightOf(layer: Layer, short: string): Tensor {
  const found = layer.weights.find((w) => w.name === `${layer.name}/${short}`);
  if (found === undefined) throw new Error(`${layer.className} '${layer.name}' has no weight '${short}'.`);
  return found.variable;
}

/** A per-channel vector [C] as a tensor of `shape` (all but the last axis 1, or tiled over positions). */
export function spreadChannels(value: Tensor, shape: readonly number[], tiled = false): Tensor {
  const ones = shape.slice(0, -1).map(() => 1);
  const reshaped = reshape(value, [...ones, value.size]);
  return tiled ? tile(reshaped, [...shape.slice(0, -1), 1]) : reshaped;
}

/** The common regulariser and constraint slots gradwell's layers leave empty. */
export const NO_PENALTIES = {
  kernelRegularizer: null,
  biasRegularizer: null,
  activityRegularizer: null,
  kernelConstraint: null,
  biasConstraint: null,
};

/** `[x, x]` for a number, the pair itself otherwise (Keras writes sizes as pairs). */
export function pairOf(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  return value as [number, number];
}
