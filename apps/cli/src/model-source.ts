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
import { loadPlugins } from './plugins';

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
      /is not registered here/.test(reason)
        ? 'pass --plugin <module> with the activation plugin it was trained with'
        : 'check the file (or re-export it)',
      2,
    );
  }
}

/**
 * The config.json of the `gradwell train` run that wrote a model: beside its model.json, one folder up (a
 * run's `model/`, a checkpoint) or two (a `best/` checkpoint).
 */
export function runConfigOf(
  modelJson: string,
  warn: (text: string) => void,
): { file: string; config: Record<string, unknown> } | undefined {
  const folder = path.dirname(modelJson);
  for (const dir of [folder, path.dirname(folder), path.dirname(path.dirname(folder))]) {
    const file = path.join(dir, 'config.json');
    if (!existsSync(file)) continue;
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      warn(`${path.relative(process.cwd(), file)} is not JSON (${(error as Error).message}); not used`);
      return undefined;
    }
    // Another tool's config.json is not a run's: a run's names its dataset and its epochs.
    const record = config as Record<string, unknown> | null;
    if (typeof record?.dataset === 'string' && typeof record.epochs === 'number')
      return { file, config: record };
  }
  return undefined;
}

/**
 * The activation plugins a model needs, registered before it is read: those given with `--plugin`, else
 * the ones its run was trained with (its config.json's `plugin`, paths as given to `train`).
 */
export async function loadModelPlugins(
  given: readonly string[] | undefined,
  run: { file: string; config: Record<string, unknown> } | undefined,
): Promise<void> {
  const fromRun = run?.config.plugin;
  if (given !== undefined && given.length > 0) await loadPlugins(given);
  else if (Array.isArray(fromRun) && fromRun.length > 0)
    await loadPlugins(
      fromRun.map(String),
      `--plugin (from ${path.relative(process.cwd(), run?.file ?? '')})`,
    );
}
