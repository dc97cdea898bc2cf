/**
 * Checkpoints: a model in the TensorFlow.js layers format (`model.json` + `weights.bin`, so every
 * checkpoint also opens with `tf.loadLayersModel`), its optimiser's state and the training state, as a
 * set of named files that a store writes atomically — a directory in Node (`@gradwell/trainer/node`),
 * IndexedDB or a download in the browser, or memory.
 *
 * Files (format version 2):
 * - `model.json` + `weights.bin`: the model, as `saveModel` writes it (see interop/layers-model.ts);
 * - `optimizer.json` + `optimizer.bin`: class, iteration count, β powers, slot tensors (tfjs's weights
 *   layout, `tf.io.encodeWeights`);
 * - `training.json`: epoch, step, seed, history and the random states of dropout layers;
 * - `averaging.json` + `averaging.bin`, for a run that averages its weights: its settings, the steps averaged
 *   and the training weights (the model then holds the averages, which is what evaluation and export want).
 * Version 1 checkpoints (`model.json` of format `gradwell-model`) still load, so old runs keep resuming.
 */
import { dispose, type io, type Tensor } from '@tensorflow/tfjs-core';
import { assertKnownOptions, GradwellArgumentError, optionKeys, type Sequential } from '@gradwell/core';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { Model } from './model';
import { decodeLegacyModel, decodeTensors, type LegacyModelJson } from './checkpoint-legacy';
import { disposeOptimizerState, getOptimizerState, type OptimizerState } from './optimizer-state';
import type { ResumeFrom, TrainingState } from './training/fit-types';
import type { AveragingState } from './training/weight-averaging';
import { encodeAveraging, readAveraging } from './checkpoint-averaging';
import { encodeTensors, jsonFile, readJson, type CheckpointFiles } from './checkpoint-files';
import { checkTrainingState } from './training-state-check';
import { checkMetadata, readLayersModel, writeLayersModel } from './interop/layers-model';
import { artifactsFromModelJson, artifactsToFiles, MODEL_JSON, parseModelJson } from './interop/model-json';
import { ModelFileError } from './interop/model-file-error';

export const CHECKPOINT_FORMAT_VERSION = 2;

export type { CheckpointFiles } from './checkpoint-files';

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

/**
 * The files of a model (`model.json` + `weights.bin`, the TensorFlow.js layers format); `metadata` becomes
 * model.json's `userDefinedMetadata`, as with `saveModel`.
 */
export async function encodeModel(
  model: Sequential,
  options: { metadata?: Record<string, unknown> } = {},
): Promise<CheckpointFiles> {
  assertKnownOptions('encodeModel', options, ['metadata']);
  checkMetadata('encodeModel', 'metadata', options.metadata);
  return artifactsToFiles(await writeLayersModel(model, options));
}

/** Rebuilds a model from its files: the TensorFlow.js layers format, or gradwell's version-1 format. */
export async function decodeModel(files: CheckpointFiles): Promise<Model> {
  const bytes = files.get(MODEL_JSON);
  if (bytes === undefined)
    throw new Error(
      `checkpoint: the file '${MODEL_JSON}' is missing (files: ${[...files.keys()].join(', ') || 'none'}).`,
    );
  const json = parseModelJson(bytes);
  if (json.format === 'gradwell-model') {
    const legacy = json as unknown as LegacyModelJson;
    if (legacy.formatVersion > 1)
      throw new Error(
        `loadModel: model.json has gradwell format version ${legacy.formatVersion}; update @gradwell/trainer.`,
      );
    return decodeLegacyModel(legacy, files);
  }
  return readLayersModel(await artifactsFromModelJson(json, (path) => files.get(path.replace(/^\.\//, ''))));
}

export interface CheckpointContent {
  model: Sequential;
  optimizer?: Optimizer;
  state?: TrainingState;
  /** The model.json's `userDefinedMetadata` (e.g. `{ classNames }`), as `saveModel` writes it. */
  metadata?: Record<string, unknown>;
  /** A run that averages its weights: `context.trainer.averaging()` (the model holds the averages). */
  averaging?: AveragingState;
}

// `{ model, optimiser }` would save no optimiser state, and a resumed run would restart its moments
const CONTENT_KEYS = optionKeys<CheckpointContent>({
  model: 1,
  optimizer: 1,
  state: 1,
  metadata: 1,
  averaging: 1,
});

/** All the files of a checkpoint (model, optimiser state, training state). */
export async function encodeCheckpoint(content: CheckpointContent): Promise<CheckpointFiles> {
  assertKnownOptions('saveCheckpoint', content, CONTENT_KEYS, { optimiser: 'optimizer' }, 'content');
  const { model, optimizer, state, metadata } = content;
  if (state !== undefined) checkTrainingState(state, 'saveCheckpoint: content.state');
  checkMetadata('saveCheckpoint', 'content.metadata', metadata);
  const files = await encodeModel(model, metadata === undefined ? {} : { metadata });
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
  if (content.averaging !== undefined)
    for (const [name, bytes] of await encodeAveraging(content.averaging, model)) files.set(name, bytes);
  return files;
}

/**
 * The label of a checkpoint of `state`: `epoch-0003` after three complete epochs, `epoch-0003-batch-0057`
 * when the run stopped 57 batches into the fourth.
 */
export function checkpointLabel(state: TrainingState | undefined): string {
  if (state !== undefined) checkTrainingState(state, "checkpointLabel: 'state'");
  return labelOf(state);
}

/** `checkpointLabel` of a state already checked. */
function labelOf(state: TrainingState | undefined): string {
  if (state === undefined) return 'checkpoint';
  const epochs = `epoch-${String(state.epoch).padStart(4, '0')}`;
  return state.position === undefined
    ? epochs
    : `${epochs}-batch-${String(state.position.batch).padStart(4, '0')}`;
}

/** Saves a checkpoint; labels sort in time order (`epoch-0003`). */
export async function saveCheckpoint(
  store: CheckpointStore,
  content: CheckpointContent,
  label?: string,
): Promise<string> {
  const files = await encodeCheckpoint(content); // checks the content (its state once) first
  return store.save(label ?? labelOf(content.state), files);
}

export interface LoadedCheckpoint extends ResumeFrom {
  model: Model;
  label: string;
}

/**
 * Loads a checkpoint (default: the latest): the model with its weights, and what `fit({ resume })`
 * needs to continue the run exactly. The optimiser state's and the averaging state's tensors are disposed
 * once `fit` has used them; call `disposeCheckpoint` if it never runs.
 */
export async function loadCheckpoint(store: CheckpointStore, label?: string): Promise<LoadedCheckpoint> {
  const chosen = label ?? (await store.latest());
  if (chosen === undefined) throw new Error('loadCheckpoint: the store holds no checkpoint yet.');
  try {
    const files = await store.load(chosen);
    const state = checkTrainingState(readJson<unknown>(files, 'training.json'));
    const model = await decodeModel(files);
    try {
      const optimizerState = readOptimizerState(files);
      const averaging = readAveraging(files);
      return {
        model,
        state,
        optimizerState,
        ...(averaging === undefined ? {} : { averaging }),
        label: chosen,
      };
    } catch (error) {
      model.dispose();
      throw error;
    }
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    const reason =
      error instanceof ModelFileError && error.problem === 'non-finite-weights'
        ? `it holds non-finite weights (${error.message})`
        : (error as Error).message.replace(/^checkpoint: /, '');
    throw new CheckpointError(chosen, reason);
  }
}

/** A checkpoint that cannot be loaded: which, and why. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`checkpoint '${label}' is damaged: ${reason}`);
  }
}

function readOptimizerState(files: CheckpointFiles): OptimizerState | undefined {
  if (!files.has('optimizer.json')) return undefined;
  const meta = readJson<{
    className: string;
    iterations: number;
    extra: Record<string, number>;
    order: string[];
    weights: io.WeightsManifestEntry[];
  }>(files, 'optimizer.json');
  const { className, iterations, extra, order, weights } = meta;
  const tensors = decodeTensors(files.get('optimizer.bin'), weights, 'optimizer.bin');
  return { className, iterations, extra, order, tensors };
}

/** Frees what a loaded checkpoint holds (the model, the optimiser slots, the training weights of an averaging run). */
export function disposeCheckpoint(checkpoint: LoadedCheckpoint): void {
  checkpoint.model.dispose();
  if (checkpoint.optimizerState !== undefined) disposeOptimizerState(checkpoint.optimizerState);
  if (checkpoint.averaging !== undefined) dispose(Object.values(checkpoint.averaging.live));
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
