/**
 * `saveModel(model, destination)` and `loadModel(source)` in the TensorFlow.js layers format, with the
 * destinations tfjs has: `file:///abs/dir` in Node (gradwell's handler; tfjs-core alone has none),
 * `indexeddb://name` and `downloads://name` in a browser, `http(s)://…` to load, or any `tf.io.IOHandler`.
 */
import { io } from '@tensorflow/tfjs-core';
import type { Sequential } from '@gradwell/core';
import { WithAuxiliaryHeads } from '@gradwell/regularizers';
import type { Model } from '../model';
import { readLayersModel, writeLayersModel, type WriteOptions } from './layers-model';
import { ModelFileError } from './model-file-error';

/** Where a model goes or comes from: a URL with a scheme tfjs (or gradwell, for file://) handles, or a handler. */
export type ModelLocation = string | io.IOHandler;

const HANDLERS =
  'file:///abs/dir (Node), indexeddb://name, downloads://name (browser), http(s):// (loading), or a tf.io.IOHandler';

async function handlerFor(location: ModelLocation, purpose: 'save' | 'load'): Promise<io.IOHandler> {
  if (typeof location !== 'string') {
    if (location === null || typeof location !== 'object' || typeof location[purpose] !== 'function')
      throw new ModelFileError(
        'no-handler',
        `${purpose}Model: expected ${HANDLERS}; got ${typeof location}.`,
      );
    return location;
  }
  if (location.startsWith('file://')) {
    const { fileSystemHandler } = await import('#file-system');
    return fileSystemHandler(location);
  }
  const handlers = purpose === 'save' ? io.getSaveHandlers(location) : io.getLoadHandlers(location);
  const handler = handlers[0];
  if (handler === undefined)
    throw new ModelFileError(
      'no-handler',
      `${purpose}Model: no handler for '${location}' here; use ${HANDLERS}.`,
    );
  return handler;
}

/**
 * Saves `model` in the TensorFlow.js layers format (`model.json` + weights), which `tf.loadLayersModel`
 * and the TensorFlow.js converter read. A model with auxiliary heads is saved without them (they act in
 * training only). `{ target: 'keras' }` writes Keras 2's standard classes only, or refuses with one line per
 * layer that has none.
 */
export async function saveModel(
  model: Sequential | WithAuxiliaryHeads,
  destination: ModelLocation,
  options: WriteOptions = {},
): Promise<io.SaveResult> {
  const handler = await handlerFor(destination, 'save');
  const network = model instanceof WithAuxiliaryHeads ? model.model : model;
  return (handler.save as NonNullable<io.IOHandler['save']>)(await writeLayersModel(network, options));
}

/**
 * Loads a model saved by gradwell, tfjs-layers or the TensorFlow.js converter (from Keras) as a gradwell
 * model — to predict, fine-tune with `fit`, freeze layers or re-initialise the head. Problems with the
 * files are `ModelFileError`s saying what and where.
 */
export async function loadModel(source: ModelLocation): Promise<Model> {
  const handler = await handlerFor(source, 'load');
  let artifacts: io.ModelArtifacts;
  try {
    artifacts = await (handler.load as NonNullable<io.IOHandler['load']>)();
  } catch (error) {
    // By name too: Node's file handler is a separate entry of the build (CJS bundles its own copy of the class).
    if (error instanceof ModelFileError) throw error;
    if (error instanceof Error && error.name === 'ModelFileError') {
      const { problem } = error as ModelFileError;
      throw new ModelFileError(problem, error.message);
    }
    throw new ModelFileError('not-a-model', `loadModel: ${(error as Error).message}`);
  }
  return readLayersModel(artifacts);
}
