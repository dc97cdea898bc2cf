/**
 * `file://` for Node: an IOHandler that saves a model as `model.json` + `weights.bin` in a directory and
 * loads a model.json (or a directory holding one) with its weight files — what tfjs-node's handler does,
 * without tfjs-node. `registerFileSystemRouters()` lets tfjs itself (`tf.loadLayersModel('file://…')`,
 * `model.save('file://…')`) use it too.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from '@tensorflow/tfjs-core';
import {
  artifactsFromModelJson,
  artifactsToFiles,
  MODEL_JSON,
  parseModelJson,
  WEIGHTS_BIN,
} from '../interop/model-json';

const SCHEME = 'file://';

/** The absolute path of a `file://` URL (or a plain path). */
function pathOf(url: string): string {
  if (url.startsWith(SCHEME))
    return url.startsWith('file:///') ? fileURLToPath(url) : path.resolve(url.slice(SCHEME.length));
  return path.resolve(url);
}

/** An IOHandler for `file:///abs/dir` (saving) or `file:///abs/dir/model.json` / the directory (loading). */
export function fileSystemHandler(url: string): io.IOHandler {
  const target = pathOf(url);
  return {
    save(artifacts) {
      const dir = target.endsWith('.json') ? path.dirname(target) : target;
      if (existsSync(dir) && !statSync(dir).isDirectory())
        throw new Error(`'${dir}' exists and is not a directory; give a directory to save the model in.`);
      mkdirSync(dir, { recursive: true });
      const files = artifactsToFiles(artifacts);
      // Weights first, model.json last (each through a temporary name): a reader never sees a model.json
      // whose weights are not complete.
      for (const [name, bytes] of [...files].reverse()) {
        const file = path.join(dir, name);
        writeFileSync(`${file}.tmp`, bytes);
        renameSync(`${file}.tmp`, file);
      }
      return Promise.resolve({
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: files.get(MODEL_JSON)?.byteLength,
          weightDataBytes: files.get(WEIGHTS_BIN)?.byteLength,
        },
      });
    },
    async load() {
      const file =
        existsSync(target) && statSync(target).isDirectory() ? path.join(target, MODEL_JSON) : target;
      if (!existsSync(file)) throw new Error(`no model file at '${file}'.`);
      const json = parseModelJson(readFileSync(file), file);
      const dir = path.dirname(file);
      return artifactsFromModelJson(json, (weights) => {
        const weightsFile = path.resolve(dir, weights);
        return existsSync(weightsFile) ? new Uint8Array(readFileSync(weightsFile)) : undefined;
      });
    },
  };
}

/** Registers `file://` with tfjs's save and load routers (once per process is enough; repeats are harmless). */
export function registerFileSystemRouters(): void {
  if (registered) return;
  registered = true;
  // tfjs's routers return null for URLs they do not take (its IORouter type says otherwise).
  const route = ((url: string | string[]) =>
    typeof url === 'string' && url.startsWith(SCHEME) ? fileSystemHandler(url) : null) as Parameters<
    typeof io.registerSaveRouter
  >[0];
  io.registerSaveRouter(route);
  io.registerLoadRouter(route);
}
let registered = false;
