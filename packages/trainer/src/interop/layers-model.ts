/**
 * A model in the TensorFlow.js layers format — what `tf.loadLayersModel` and the TensorFlow.js converter
 * read: a Keras-style `Sequential` topology (`class_name`, snake_case `config`, the first layer with
 * `batch_input_shape`) and weights named `<layer>/<param>` as Keras names them. `writeLayersModel` makes
 * the artifacts of a gradwell model; `readLayersModel` builds a gradwell model from artifacts written by
 * gradwell, tfjs-layers or the converter (a Sequential, or a functional graph that is a single chain).
 */
import {
  any,
  dispose,
  io,
  isFinite as isFiniteOp,
  logicalNot,
  tidy,
  type NamedTensorMap,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertKnownOptions,
  GradwellArgumentError,
  type ActivationFunction,
  type Layer,
  type Sequential,
} from '@gradwell/core';
import { Model } from '../model';
import { formatForClass, formatForLayer } from './formats';
import { fromPythonic, toPythonic } from './keras-case';
import { toKerasLayers } from './keras-export';
import type { LayersLayerInput } from './layer-format';
import { ModelFileError } from './model-file-error';
import { manifestBytes } from './model-json';
import { sequentialLayers } from './topology';

export const LAYERS_MODEL_FORMAT = 'layers-model';
export const GENERATED_BY = 'gradwell (TensorFlow.js layers format, tfjs-layers 4.22)';

export interface WriteOptions {
  /**
   * 'tfjs' (default): every gradwell layer, its own classes read by tfjs-layers after
   * `registerLayersInterop`; 'keras': Keras 2's standard classes only (see keras-export.ts).
   */
  target?: 'tfjs' | 'keras';
  /**
   * Written as model.json's `userDefinedMetadata` (tfjs-layers reads and keeps it; Keras ignores it): a
   * JSON object, e.g. `{ classNames: ['cat', 'dog'] }` so that the file says what its outputs mean.
   */
  metadata?: Record<string, unknown>;
}

/** The artifacts of `model` (built) in the tfjs-layers format: topology, weight specs and weight data. */
export async function writeLayersModel(
  model: Sequential,
  options: WriteOptions = {},
): Promise<io.ModelArtifacts> {
  assertKnownOptions('saveModel', options, ['target', 'metadata']);
  const { metadata } = options;
  checkMetadata('saveModel', 'metadata', metadata);
  const inputShape = model.getConfig().inputShape as number[] | null;
  if (inputShape === null)
    throw new Error(`saveModel: model '${model.name}' is not built; build it (or train it) before saving.`);
  const outputShapes = model.layerOutputShapes(inputShape);
  const made: Tensor[] = [];
  const weights: NamedTensorMap = {};
  try {
    const layers = model.layers.map((layer, i) => {
      const input = i === 0 ? inputShape : (outputShapes[i - 1] as number[]);
      const format = formatForLayer(layer.className, layer.name);
      const written =
        options.target === 'keras' && format.writeKeras !== undefined
          ? format.writeKeras(layer, input)
          : format.write(layer, input);
      for (const { param, value } of written.weights) {
        weights[`${layer.name}/${param}`] = value;
        if (!layer.weights.some((w) => w.variable === value)) made.push(value);
      }
      const first = i === 0 ? { batchInputShape: [null, ...inputShape], dtype: 'float32' } : {};
      const config = { name: layer.name, trainable: layer.trainable, ...first, ...written.config };
      const activation = (layer as { activation?: ActivationFunction }).activation;
      return { className: written.className, config, activation };
    });
    const standard =
      options.target === 'keras'
        ? toKerasLayers(layers)
        : layers.map(({ className, config }) => ({ className, config }));
    const { data, specs } = await io.encodeWeights(weights);
    const modelTopology = {
      ...(toPythonic({ className: 'Sequential', config: { name: model.name, layers: standard } }) as Record<
        string,
        unknown
      >),
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    };
    return {
      format: LAYERS_MODEL_FORMAT,
      generatedBy: GENERATED_BY,
      convertedBy: null,
      modelTopology,
      weightSpecs: specs,
      weightData: data,
      ...(metadata === undefined
        ? {}
        : { userDefinedMetadata: metadata as io.ModelArtifacts['userDefinedMetadata'] }),
    };
  } finally {
    dispose(made);
  }
}

/** The weights of artifacts, checked against their manifest (size, finiteness), by normalised name. */
function decodeWeights(artifacts: io.ModelArtifacts): Map<string, Tensor> {
  const specs = artifacts.weightSpecs ?? [];
  const buffer =
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : io.CompositeArrayBuffer.join(artifacts.weightData);
  const expected = manifestBytes(specs);
  if (buffer.byteLength !== expected)
    throw new ModelFileError(
      'weights-size',
      `the weight data holds ${buffer.byteLength} bytes, the weights manifest describes ${expected} (a truncated or mismatched weights file).`,
    );
  const decoded = io.decodeWeights(buffer, specs);
  const byName = new Map<string, Tensor>();
  for (const [name, tensor] of Object.entries(decoded)) {
    // Keras writes `dense/kernel:0`; a model nested in another writes `outer/dense/kernel`.
    const normalised = name.replace(/:\d+$/, '').split('/').slice(-2).join('/');
    byName.set(normalised, tensor);
  }
  for (const [name, tensor] of byName) {
    if (tensor.dtype !== 'float32') continue;
    const bad = tidy(() => any(logicalNot(isFiniteOp(tensor))).dataSync()[0]);
    if (bad) {
      dispose([...byName.values()]);
      throw new ModelFileError('non-finite-weights', `the weight '${name}' holds NaN or ±Infinity.`);
    }
  }
  return byName;
}

function assignValues(layer: Layer, values: Record<string, Tensor>, className: string): void {
  for (const weight of layer.weights) {
    const short = weight.name.slice(layer.name.length + 1);
    const value = values[short];
    if (value === undefined)
      throw new ModelFileError(
        'weight-mismatch',
        `layer '${layer.name}' (${className}): no value for its weight '${short}'.`,
      );
    if (value.shape.join(',') !== weight.variable.shape.join(','))
      throw new ModelFileError(
        'weight-mismatch',
        `layer '${layer.name}' (${className}): the weight '${short}' is [${value.shape.join(', ')}] in the file, the layer needs [${weight.variable.shape.join(', ')}].`,
      );
  }
  for (const weight of layer.weights)
    weight.variable.assign(values[weight.name.slice(layer.name.length + 1)] as Tensor);
}

/** A gradwell model from tfjs-layers artifacts; every tensor it decodes is freed, and nothing is left on error. */
export function readLayersModel(artifacts: io.ModelArtifacts): Model {
  if (
    artifacts.modelTopology === undefined ||
    artifacts.modelTopology === null ||
    artifacts.modelTopology instanceof ArrayBuffer
  )
    throw new ModelFileError(
      'not-a-model',
      'the file has no modelTopology: it is not a tfjs-layers model.json (a graph model, or another file).',
    );
  const topology = fromPythonic(artifacts.modelTopology) as Record<string, unknown>;
  const { name, inputShape, entries } = sequentialLayers(
    (topology.modelConfig ?? topology) as Record<string, unknown>,
  );
  const weights = decodeWeights(artifacts);
  const built: Array<{ layer: Layer; values: Record<string, Tensor>; className: string }> = [];
  let model: Model | undefined;
  try {
    let shape: readonly number[] = inputShape;
    for (const entry of entries) {
      const input: LayersLayerInput = {
        ...entry,
        inputShape: shape,
        weight: (param) => weights.get(`${entry.name}/${param}`),
      };
      const format = formatForClass(entry.className, entry.name);
      const layer = format.create(input);
      built.push({ layer, values: {}, className: entry.className });
      if (entry.config.trainable === false) layer.trainable = false;
      (built.at(-1) as { values: Record<string, Tensor> }).values = format.values(input);
      shape = layer.computeOutputShape(shape);
    }
    model = new Model(
      built.map((b) => b.layer),
      { name, inputShape },
    );
    for (const { layer, values, className } of built) assignValues(layer, values, className);
    return model;
  } catch (error) {
    if (model !== undefined) model.dispose();
    else for (const { layer } of built) layer.dispose();
    throw error;
  } finally {
    dispose([...weights.values(), ...built.flatMap((b) => Object.values(b.values))]);
  }
}

/** A plain object that JSON keeps as it is: no functions, undefined, non-finite numbers or cycles. */
/** `metadata` must be undefined or a JSON object (model.json's `userDefinedMetadata`), else a named error. */
export function checkMetadata(context: string, argument: string, metadata: unknown): void {
  if (metadata !== undefined && !isJsonObject(metadata))
    throw new GradwellArgumentError(context, argument, 'a JSON object (what JSON.stringify keeps)', metadata);
}

function isJsonObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  try {
    JSON.stringify(value);
  } catch {
    return false; // a cycle, a BigInt
  }
  return !hasLoss(value);
}

/** Whether JSON would drop or change something in `value` (undefined, a function, NaN, Infinity). */
function hasLoss(value: unknown): boolean {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasLoss);
}
