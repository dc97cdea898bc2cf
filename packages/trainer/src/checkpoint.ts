/**
 * Checkpoints: a model (config JSON + weights binary), its optimiser's state and the training state,
 * as a set of named files that a store writes atomically — a directory in Node (`@gradwell/trainer/node`),
 * IndexedDB or a download in the browser, or memory.
 *
 * Format (version 1):
 * - `model.json`: `{ format: 'gradwell-model', formatVersion, modelConfig, weightsManifest }`, where
 *   `weightsManifest` is tfjs's (`[{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }]`) and the
 *   weight names are the model's stable `layer/weight` names;
 * - `weights.bin`: the weights in tfjs's binary layout (`tf.io.encodeWeights`), little-endian float32;
 * - `optimizer.json` + `optimizer.bin`: class, iteration count, β powers, slot tensors (same layout);
 * - `training.json`: epoch, step, seed, history and the random states of dropout layers.
 * The weights files load with `tf.io.decodeWeights`; `model.json` is *not* a Keras topology, so
 * tfjs-layers' `loadLayersModel` does not read it (gradwell's layers have no tfjs-layers equivalents).
 */
import { dispose, io, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type LayerWeight, type Sequential } from '@gradwell/core';
import type { Optimizer } from '@tensorflow/tfjs-core';
import { modelFromConfig, type Model } from './model';
import { disposeOptimizerState, getOptimizerState, type OptimizerState } from './optimizer-state';
import type { ResumeFrom, TrainingState } from './training/fit-types';

export const CHECKPOINT_FORMAT_VERSION = 1;

/** File name → bytes. */
export type CheckpointFiles = Map<string, Uint8Array>;

/** Where checkpoints live. `save` must be atomic: a crash leaves the previous checkpoint intact. */
export interface CheckpointStore {
  /** Writes the files under `label` and marks it the latest; returns the label. */
  save(label: string, files: CheckpointFiles): Promise<string>;
  /** Reads the files of `label` (default: the latest). */
  load(label?: string): Promise<CheckpointFiles>;
  /** Labels of complete checkpoints, oldest first. */
  list(): Promise<string[]>;
  /** The label saved last (undefined when the store is empty). */
  latest(): Promise<string | undefined>;
  /** Removes a checkpoint. */
  remove(label: string): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function jsonFile(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value, null, 1));
}

function readJson<T>(files: CheckpointFiles, name: string): T {
  const bytes = files.get(name);
  if (bytes === undefined)
    throw new Error(
      `checkpoint: the file '${name}' is missing (files: ${[...files.keys()].join(', ') || 'none'}).`,
    );
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (error) {
    throw new Error(`checkpoint: '${name}' is not valid JSON (${String(error)}).`);
  }
}

async function encodeTensors(
  tensors: NamedTensorMap,
): Promise<{ data: Uint8Array; specs: io.WeightsManifestEntry[] }> {
  const { data, specs } = await io.encodeWeights(tensors);
  return { data: new Uint8Array(data), specs };
}

function decodeTensors(
  bytes: Uint8Array | undefined,
  specs: io.WeightsManifestEntry[],
  file: string,
): NamedTensorMap {
  if (bytes === undefined) throw new Error(`checkpoint: the file '${file}' is missing.`);
  const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== expected)
    throw new Error(
      `checkpoint: '${file}' holds ${bytes.byteLength} bytes, its manifest describes ${expected} (a truncated or mismatched file).`,
    );
  const copy = bytes.slice().buffer;
  return io.decodeWeights(copy, specs);
}

interface ModelJson {
  format: 'gradwell-model';
  formatVersion: number;
  modelConfig: Record<string, unknown>;
  weightsManifest: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
}

/** The files of a model: its config and weights (trainable and not, e.g. running statistics). */
export async function encodeModel(
  model: Sequential,
  extraWeights: readonly LayerWeight[] = [],
): Promise<CheckpointFiles> {
  const weights = [...model.weights, ...extraWeights];
  const named: NamedTensorMap = Object.fromEntries(weights.map((w) => [w.name, w.variable as Tensor]));
  const { data, specs } = await encodeTensors(named);
  const json: ModelJson = {
    format: 'gradwell-model',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    modelConfig: model.getConfig(),
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return new Map([
    ['model.json', jsonFile(json)],
    ['weights.bin', data],
  ]);
}

/** Assigns saved weights to a model's variables by stable name; every weight must be present with its shape. */
export function assignWeights(weights: readonly LayerWeight[], saved: NamedTensorMap): void {
  for (const w of weights) {
    const t = saved[w.name];
    if (t === undefined)
      throw new Error(
        `checkpoint: no saved value for weight '${w.name}' (saved: ${Object.keys(saved).slice(0, 8).join(', ')}${Object.keys(saved).length > 8 ? ', …' : ''}).`,
      );
    if (t.shape.join(',') !== w.variable.shape.join(','))
      throw new Error(
        `checkpoint: weight '${w.name}' is saved with shape [${t.shape.join(', ')}], the model has [${w.variable.shape.join(', ')}].`,
      );
  }
  for (const w of weights) w.variable.assign(saved[w.name] as Tensor);
}

/** Rebuilds a model from its files (config, then weights). */
export function decodeModel(files: CheckpointFiles): Model {
  const json = readJson<ModelJson>(files, 'model.json');
  if (json.format !== 'gradwell-model')
    throw new GradwellArgumentError(
      'loadModel',
      'model.json',
      "a gradwell model ('format': 'gradwell-model')",
      json.format ?? 'no format field',
    );
  if (json.formatVersion > CHECKPOINT_FORMAT_VERSION)
    throw new Error(
      `loadModel: model.json has format version ${json.formatVersion}; this gradwell reads up to ${CHECKPOINT_FORMAT_VERSION}. Update @gradwell/trainer.`,
    );
  const entry = json.weightsManifest[0];
  if (entry === undefined) throw new Error('loadModel: model.json has an empty weights manifest.');
  const file = entry.paths[0] ?? 'weights.bin';
  const saved = decodeTensors(files.get(file), entry.weights, file);
  let model: Model | undefined;
  try {
    model = modelFromConfig(json.modelConfig);
    assignWeights(model.weights, saved);
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    dispose(Object.values(saved));
  }
  return model;
}

/** Saves a model (config + weights) to a store under `label` (default 'model'). */
export async function saveModel(model: Sequential, store: CheckpointStore, label = 'model'): Promise<string> {
  return store.save(label, await encodeModel(model));
}

/** Loads a model saved by {@link saveModel} or {@link saveCheckpoint}. */
export async function loadModel(store: CheckpointStore, label?: string): Promise<Model> {
  return decodeModel(await store.load(label));
}

export interface CheckpointContent {
  model: Sequential;
  optimizer?: Optimizer;
  state?: TrainingState;
}

/** All the files of a checkpoint (model, optimiser state, training state). */
export async function encodeCheckpoint({
  model,
  optimizer,
  state,
}: CheckpointContent): Promise<CheckpointFiles> {
  const files = await encodeModel(model);
  if (optimizer !== undefined) {
    const optimizerState = await getOptimizerState(optimizer, model.weights);
    try {
      const { data, specs } = await encodeTensors(
        Object.fromEntries(optimizerState.order.map((n) => [n, optimizerState.tensors[n] as Tensor])),
      );
      files.set(
        'optimizer.json',
        jsonFile({
          className: optimizerState.className,
          iterations: optimizerState.iterations,
          extra: optimizerState.extra,
          order: optimizerState.order,
          weights: specs,
        }),
      );
      files.set('optimizer.bin', data);
    } finally {
      disposeOptimizerState(optimizerState);
    }
  }
  if (state !== undefined) files.set('training.json', jsonFile(state));
  return files;
}

/** Saves a checkpoint; labels sort in time order (`epoch-0003`). */
export async function saveCheckpoint(
  store: CheckpointStore,
  content: CheckpointContent,
  label?: string,
): Promise<string> {
  const name =
    label ??
    (content.state === undefined ? 'checkpoint' : `epoch-${String(content.state.epoch).padStart(4, '0')}`);
  return store.save(name, await encodeCheckpoint(content));
}

export interface LoadedCheckpoint extends ResumeFrom {
  model: Model;
  label: string;
}

/**
 * Loads a checkpoint (default: the latest): the model with its weights, and what `fit({ resume })`
 * needs to continue the run exactly. The optimiser state's tensors are disposed once `fit` has used
 * them; call `disposeCheckpoint` if it never runs.
 */
export async function loadCheckpoint(store: CheckpointStore, label?: string): Promise<LoadedCheckpoint> {
  const chosen = label ?? (await store.latest());
  if (chosen === undefined) throw new Error('loadCheckpoint: the store holds no checkpoint yet.');
  const files = await store.load(chosen);
  const state = readJson<TrainingState>(files, 'training.json');
  const model = decodeModel(files);
  let optimizerState: OptimizerState | undefined;
  if (files.has('optimizer.json')) {
    const meta = readJson<{
      className: string;
      iterations: number;
      extra: Record<string, number>;
      order: string[];
      weights: io.WeightsManifestEntry[];
    }>(files, 'optimizer.json');
    let tensors: NamedTensorMap;
    try {
      tensors = decodeTensors(files.get('optimizer.bin'), meta.weights, 'optimizer.bin');
    } catch (error) {
      model.dispose();
      throw error;
    }
    optimizerState = {
      className: meta.className,
      iterations: meta.iterations,
      extra: meta.extra,
      order: meta.order,
      tensors,
    };
  }
  return { model, state, optimizerState, label: chosen };
}

/** Frees what a loaded checkpoint holds (the model and the optimiser slots). */
export function disposeCheckpoint(checkpoint: LoadedCheckpoint): void {
  checkpoint.model.dispose();
  if (checkpoint.optimizerState !== undefined) disposeOptimizerState(checkpoint.optimizerState);
}

/** Labels become file and key names: letters, digits, '-', '_', '.'. */
export function checkLabel(label: string): void {
  if (typeof label !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(label))
    throw new GradwellArgumentError(
      'checkpoint',
      'label',
      "letters, digits, '.', '_' or '-' (starting with a letter or digit)",
      label,
    );
}
