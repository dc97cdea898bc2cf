/**
 * Finding and reading a model a command was pointed at: a `model.json` (tfjs-layers, the TensorFlow.js
 * converter, or gradwell — either format version), a folder holding one, a `gradwell train` run folder
 * (its `model/`), or a checkpoint folder (its latest checkpoint). Problems end as one-line CLI errors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeModel, ModelFileError, type CheckpointFiles, type Model } from '@gradwell/trainer';
import { directoryStore } from '@gradwell/trainer/node';
import { CliError } from './errors';

/** The model.json a path stands for, or a CliError naming what was looked for. */
export async function findModelJson(given: string, flag: string): Promise<string> {
  const target = path.resolve(given);
  if (!existsSync(target))
    throw new CliError(
      `${flag}: '${given}' does not exist`,
      'give a model.json, a run folder or a checkpoint folder',
      2,
    );
  if (statSync(target).isFile()) return target;
  for (const candidate of ['model.json', 'model/model.json', 'model/final/model.json']) {
    const file = path.join(target, candidate);
    if (existsSync(file)) return file;
  }
  const latest = await directoryStore(target).latest();
  if (latest !== undefined) return path.join(target, latest, 'model.json');
  throw new CliError(
    `${flag}: '${given}' holds no model.json (looked for model.json, model/model.json and checkpoints; it has ${readdirSync(target).slice(0, 6).join(', ') || 'nothing'})`,
    'point at a model.json, a gradwell train --out folder or a --checkpoint-dir folder',
    2,
  );
}

/** The model.json and the weight files it names, as the files map the trainer decodes. */
function readModelFiles(modelJson: string): CheckpointFiles {
  const dir = path.dirname(modelJson);
  const bytes = readFileSync(modelJson);
  const files: CheckpointFiles = new Map([['model.json', new Uint8Array(bytes)]]);
  let manifest: Array<{ paths?: string[] }> = [];
  try {
    manifest =
      (JSON.parse(bytes.toString('utf8')) as { weightsManifest?: Array<{ paths?: string[] }> })
        .weightsManifest ?? [];
  } catch {
    // decodeModel says what is wrong with the JSON.
  }
  for (const weightsPath of manifest.flatMap((group) => group.paths ?? [])) {
    const file = path.resolve(dir, weightsPath);
    if (existsSync(file)) files.set(weightsPath.replace(/^\.\//, ''), new Uint8Array(readFileSync(file)));
  }
  return files;
}

/** The model at `given` (see the module comment), or a one-line error saying what is wrong with it. */
export async function readModel(
  given: string,
  flag: string,
): Promise<{ model: Model; file: string; json: Record<string, unknown> }> {
  const file = await findModelJson(given, flag);
  const files = readModelFiles(file);
  try {
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json'))) as Record<string, unknown>;
    return { model: await decodeModel(files), file, json };
  } catch (error) {
    // Whatever is wrong is wrong with the file the user gave: bad input (exit 2), said in one line.
    const reason =
      error instanceof ModelFileError ? error.message : `not a model: ${(error as Error).message}`;
    throw new CliError(
      `${flag}: ${path.relative(process.cwd(), file)}: ${reason}`,
      'check the file (or re-export it)',
      2,
    );
  }
}
