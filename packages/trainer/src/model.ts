/**
 * A model: core's `Sequential` with a `summary()` (layers, output shapes, parameter counts, and which
 * initialiser each layer got and why), plain-JSON serialisation, and a layer registry that knows every
 * layer of core, activations, regularizers and batchnorm.
 */
import { size } from './util';
import {
  createLayerRegistry,
  createRandom,
  Sequential,
  type Layer,
  type LayerFactory,
  type Registry,
  type SequentialArgs,
  type SerializedObject,
} from '@gradwell/core';
import { ACTIVATION_LAYER_FACTORIES } from '@gradwell/activations';
import { REGULARIZATION_LAYER_FACTORIES } from '@gradwell/regularizers';
import { NORMALIZATION_LAYER_FACTORIES } from '@gradwell/batchnorm';
import { initializerChoiceOf } from './layers';
import { TRAINER_RESOLVERS } from './resolve';

export interface SummaryRow {
  name: string;
  className: string;
  /** Per-example output shape. */
  outputShape: number[];
  params: number;
  trainableParams: number;
  /** e.g. `heNormal (chosen for relu)`; empty for layers without a kernel. */
  initializer: string;
}

export interface ModelSummary {
  name: string;
  inputShape: number[];
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** The table as text, one line per layer, for a terminal. */
  text: string;
}

export class Model extends Sequential {
  /** Layers, output shapes, parameter counts and kernel initialisers; the model must be built. */
  summary(): ModelSummary {
    const inputShape = this.getConfig().inputShape as number[] | null;
    if (inputShape === null) {
      throw new Error(
        `model '${this.name}': summary() needs a built model; give 'inputShape' to model() or call build(shape).`,
      );
    }
    const shapes = this.layerOutputShapes(inputShape);
    const rows = this.layers.map((layer, i): SummaryRow => {
      const params = layer.weights.reduce((n, w) => n + size(w.variable.shape), 0);
      const trainableParams = layer.trainableWeights.reduce((n, w) => n + size(w.variable.shape), 0);
      return {
        name: layer.name,
        className: layer.className,
        outputShape: shapes[i] as number[],
        params,
        trainableParams,
        initializer: describeInitializer(layer),
      };
    });
    const totalParams = rows.reduce((n, r) => n + r.params, 0);
    const trainableParams = rows.reduce((n, r) => n + r.trainableParams, 0);
    return {
      name: this.name,
      inputShape,
      rows,
      totalParams,
      trainableParams,
      text: formatSummary(rows, inputShape, totalParams, trainableParams),
    };
  }
}

function describeInitializer(layer: Layer): string {
  const choice = initializerChoiceOf(layer);
  if (choice !== undefined) {
    const name = choice.initializer.className;
    return choice.source === 'chosen'
      ? `${name} (chosen for ${choice.activation ?? 'linear'})`
      : `${name} (given)`;
  }
  const kernel = (layer as { kernelInitializer?: { className: string } }).kernelInitializer;
  return kernel === undefined ? '' : kernel.className;
}

function formatSummary(rows: SummaryRow[], inputShape: number[], total: number, trainable: number): string {
  const header = ['layer', 'type', 'output shape', 'params', 'kernel initialiser'];
  const body = rows.map((r) => [
    r.name,
    r.className,
    `[${r.outputShape.join(', ')}]`,
    r.params.toLocaleString('en-US'),
    r.initializer,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 3 ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
      .join('  ')
      .trimEnd();
  return [
    `input [${inputShape.join(', ')}]`,
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...body.map(line),
    `total params ${total.toLocaleString('en-US')} (trainable ${trainable.toLocaleString('en-US')})`,
  ].join('\n');
}

export type ModelArgs = SequentialArgs;

/** A stack of layers; give `inputShape` (per example) and `seed` to build it at once. */
export function model(layers: readonly Layer[], args: ModelArgs = {}): Model {
  return new Model(layers, args);
}

let registry: Registry<LayerFactory> | undefined;

/** Every layer class gradwell knows (core, activations, regularizers, batchnorm), for deserialisation. */
export function layerRegistry(): Registry<LayerFactory> {
  if (registry === undefined) {
    registry = createLayerRegistry();
    for (const [name, factory] of [
      ...ACTIVATION_LAYER_FACTORIES,
      ...REGULARIZATION_LAYER_FACTORIES,
      ...NORMALIZATION_LAYER_FACTORIES,
    ])
      registry.register(name, factory);
  }
  return registry;
}

/** Rebuilds a model from `getConfig()` output (fresh weights drawn with `seed`). */
export function modelFromConfig(config: Record<string, unknown>, seed = 0): Model {
  if (config === null || typeof config !== 'object' || !Array.isArray(config.layers)) {
    throw new Error(
      `modelFromConfig: argument 'config' must be a model config ({ name, inputShape, layers: [...] }), got ${JSON.stringify(config)?.slice(0, 80)}.`,
    );
  }
  const layers = (config.layers as SerializedObject[]).map((s) =>
    layerRegistry().get(s.className)(s.config, TRAINER_RESOLVERS),
  );
  const inputShape = config.inputShape as number[] | null;
  const built = new Model(layers, { name: config.name as string });
  if (inputShape !== null && inputShape !== undefined) built.build(inputShape, createRandom(seed));
  return built;
}
