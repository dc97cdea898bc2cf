/**
 * Reading saved tensors back, and gradwell's version-1 model files (`format: 'gradwell-model'`: gradwell's
 * config JSON + tfjs weights), which checkpoints of older runs hold and which still load and resume.
 */
import { dispose, io, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';
import type { LayerWeight } from '@gradwell/core';
import { modelFromConfig, type Model } from './model';

/** Tensors from the bytes of a weights file and its manifest entries; the byte count must match. */
export function decodeTensors(
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

/** Assigns saved weights to a model's variables by stable name; every weight must be present with its shape. */
function assignWeights(weights: readonly LayerWeight[], saved: NamedTensorMap): void {
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

export interface LegacyModelJson {
  format: 'gradwell-model';
  formatVersion: number;
  modelConfig: Record<string, unknown>;
  weightsManifest: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
}

/** A version-1 model (`format: 'gradwell-model'`: gradwell's config JSON + tfjs weights). */
export function decodeLegacyModel(json: LegacyModelJson, files: Map<string, Uint8Array>): Model {
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
