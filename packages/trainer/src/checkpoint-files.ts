/** The pieces a checkpoint's files are made of: JSON files and tensors in tfjs's weights layout. */
import { io, type NamedTensorMap } from '@tensorflow/tfjs-core';

/** File name → bytes. */
export type CheckpointFiles = Map<string, Uint8Array>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function jsonFile(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value, null, 1));
}

export function readJson<T>(files: CheckpointFiles, name: string): T {
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

export async function encodeTensors(
  tensors: NamedTensorMap,
): Promise<{ data: Uint8Array; specs: io.WeightsManifestEntry[] }> {
  const { data, specs } = await io.encodeWeights(tensors);
  return { data: new Uint8Array(data), specs };
}
