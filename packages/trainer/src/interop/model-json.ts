/**
 * Model artifacts as files and back: `model.json` (topology, format, weights manifest) and `weights.bin`,
 * the layout tfjs-layers' file and download handlers use. Shared by the checkpoint stores and the Node
 * `file://` handler.
 */
import { io } from '@tensorflow/tfjs-core';
import { ModelFileError } from './model-file-error';

/** File name → bytes. */
export type ModelFiles = Map<string, Uint8Array>;

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The `model.json` of artifacts whose weights go to `weightsPath`. */
export function modelJsonOf(artifacts: io.ModelArtifacts, weightsPath = WEIGHTS_BIN): io.ModelJSON {
  const json: io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
  };
  for (const key of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer'] as const)
    if (artifacts[key] !== undefined) (json as unknown as Record<string, unknown>)[key] = artifacts[key];
  return json;
}

/** `model.json` and `weights.bin` of artifacts. */
export function artifactsToFiles(artifacts: io.ModelArtifacts): ModelFiles {
  const weights =
    artifacts.weightData === undefined
      ? new Uint8Array(0)
      : new Uint8Array(io.CompositeArrayBuffer.join(artifacts.weightData));
  return new Map([
    [MODEL_JSON, encoder.encode(JSON.stringify(modelJsonOf(artifacts)))],
    [WEIGHTS_BIN, weights],
  ]);
}

/** Parses a model.json's bytes, with an error that says what the file is when it is not JSON. */
export function parseModelJson(bytes: Uint8Array, file = MODEL_JSON): Record<string, unknown> {
  try {
    const parsed = JSON.parse(decoder.decode(bytes)) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new Error(`'${file}' is not a model.json: ${(error as Error).message}.`);
  }
}

/**
 * Artifacts from a model.json and its weight files: `readFile(path)` gives the bytes of a path of the
 * weights manifest (relative to the model.json), or undefined when there is no such file.
 */
/** Bytes the weights of a manifest take (quantised sizes where quantised). */
export function manifestBytes(specs: readonly io.WeightsManifestEntry[]): number {
  const bytesPerValue = (spec: io.WeightsManifestEntry) => {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    return dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
  };
  return specs.reduce((n, s) => n + bytesPerValue(s) * s.shape.reduce((a, b) => a * b, 1), 0);
}

export async function artifactsFromModelJson(
  json: Record<string, unknown>,
  readFile: (path: string) => Promise<Uint8Array | undefined> | Uint8Array | undefined,
): Promise<io.ModelArtifacts> {
  return io.getModelArtifactsForJSON(json as unknown as io.ModelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const parts: ArrayBuffer[] = [];
    const paths = manifest.flatMap((group) => group.paths);
    for (const path of paths) {
      const bytes = await readFile(path);
      if (bytes === undefined) throw new Error(`the weights file '${path}' named by model.json is missing.`);
      parts.push(bytes.slice().buffer);
    }
    const data = io.concatenateArrayBuffers(parts);
    const expected = manifestBytes(specs);
    if (data.byteLength !== expected)
      throw new ModelFileError(
        'weights-size',
        `${paths.join(' + ')} ${paths.length === 1 ? 'holds' : 'hold'} ${data.byteLength} bytes, model.json's weights manifest describes ${expected} (a truncated or mismatched weights file).`,
      );
    return [specs, data];
  });
}
