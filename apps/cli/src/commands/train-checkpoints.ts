/**
 * `gradwell train`'s checkpoint folder: one run per folder (another run's checkpoints are refused unless
 * `--resume` continues them or `--overwrite` replaces them), the run's config.json beside its checkpoints
 * (what `--resume` checks the flags against), the checkpoint to resume from (a damaged one names itself
 * and the previous one that loads), the last N kept, and the best kept apart in `best/`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clone, type Tensor } from '@tensorflow/tfjs-core';
import type { Sequential, TrainingCallback } from '@gradwell/core';
import {
  CheckpointError,
  checkpointCallback,
  disposeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointStore,
  type LoadedCheckpoint,
  type TrainerCallbackContext,
} from '@gradwell/trainer';
import { directoryStore } from '@gradwell/trainer/node';
import { CliError } from '../errors';
import type { TrainConfig } from './train-config';

const CONFIG = 'config.json';
const BEST = 'best';

export interface CheckpointFolder {
  readonly directory: string;
  readonly store: CheckpointStore;
  /** The config the run in this folder was started with (undefined for a new folder or an older run). */
  savedConfig(): Partial<TrainConfig> | undefined;
  /** Checkpoints already here, oldest first. */
  labels(): Promise<string[]>;
  /** Removes every checkpoint, best/ and config.json (`--overwrite`). */
  clear(): Promise<void>;
  writeConfig(config: TrainConfig): void;
  /** The checkpoint to resume (default the latest); a damaged one is an error naming the previous that loads. */
  resumeFrom(label: string | undefined): Promise<LoadedCheckpoint>;
  /**
   * Saves after every epoch (and where a stop left off), keeping the last `keep`; each model.json names the
   * classes, when the dataset has names, as the run's own model does.
   */
  callback(
    keep: number | undefined,
    onSaved: (label: string) => void,
    classNames?: string[],
  ): TrainingCallback;
  /** Keeps the checkpoint of the best epoch by `metric` in best/ (restarts from a resumed run's history). */
  bestCallback(
    metric: string,
    onSaved: (label: string, value: number) => void,
    classNames?: string[],
  ): TrainingCallback;
  /** The weights after epoch `epoch` (0-based), from its checkpoint: early stopping's best, across a resume. */
  weightsAfter(epoch: number): Promise<Map<string, Tensor>>;
}

export function checkpointFolder(directory: string): CheckpointFolder {
  const store = directoryStore(directory);
  const configFile = path.join(store.directory, CONFIG);
  const bestStore = () => directoryStore(path.join(store.directory, BEST));
  return {
    directory,
    store,
    savedConfig() {
      if (!existsSync(configFile)) return undefined;
      try {
        return JSON.parse(readFileSync(configFile, 'utf8')) as Partial<TrainConfig>;
      } catch (error) {
        throw new CliError(
          `--resume: '${configFile}' is not valid JSON (${(error as Error).message})`,
          'restore it, or start a new run with --overwrite',
          2,
        );
      }
    },
    labels: () => store.list(),
    async clear() {
      for (const label of await store.list()) await store.remove(label);
      rmSync(path.join(store.directory, 'LATEST'), { force: true });
      rmSync(path.join(store.directory, BEST), { recursive: true, force: true });
      rmSync(configFile, { force: true });
    },
    writeConfig(config) {
      mkdirSync(store.directory, { recursive: true });
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    },
    async resumeFrom(label) {
      const labels = await store.list();
      if (labels.length === 0)
        throw new CliError(
          `--resume: '${directory}' holds no checkpoint`,
          'run without --resume first, with the same --checkpoint-dir',
          2,
        );
      if (label !== undefined && !labels.includes(label))
        throw new CliError(
          `--resume: no checkpoint '${label}' in '${directory}'`,
          `it holds ${labels.join(', ')}`,
          2,
        );
      try {
        return await loadCheckpoint(store, label);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        const older = labels.slice(0, labels.indexOf(error.label)).reverse();
        let previous: string | undefined;
        for (const candidate of older) {
          try {
            disposeCheckpoint(await loadCheckpoint(store, candidate));
            previous = candidate;
            break;
          } catch {
            // damaged too: try the one before
          }
        }
        throw new CliError(
          `--resume: ${error.message}`,
          previous === undefined
            ? 'no earlier checkpoint loads either: start the run again with --overwrite'
            : `continue from the previous one that loads: --resume ${previous}`,
          2,
        );
      }
    },
    async weightsAfter(epoch) {
      const label = `epoch-${String(epoch + 1).padStart(4, '0')}`;
      if (!(await store.list()).includes(label))
        throw new CliError(
          `--resume: early stopping's best epoch (${epoch + 1}) has no checkpoint '${label}' in '${directory}' to restore`,
          'start the run again with --overwrite',
        );
      const loaded = await loadCheckpoint(store, label);
      const weights = new Map(loaded.model.weights.map((w) => [w.name, clone(w.variable)] as const));
      disposeCheckpoint(loaded);
      return weights;
    },
    callback(keep, onSaved, classNames) {
      return checkpointCallback({
        store,
        ...(keep === undefined ? {} : { keep }),
        onSaved,
        ...(classNames === undefined ? {} : { metadata: { classNames } }),
      });
    },
    bestCallback(metric, onSaved, classNames) {
      const lower = /loss$/i.test(metric);
      const better = (a: number, b: number) => (lower ? a < b : a > b);
      let best: number | undefined;
      const bestCheckpoints = bestStore();
      return {
        onTrainBegin(context) {
          best = undefined;
          const history = (context as TrainerCallbackContext).trainer?.state().history ?? [];
          for (const logs of history) {
            const value = logs[metric];
            if (value !== undefined && (best === undefined || better(value, best))) best = value;
          }
        },
        async onEpochEnd(_epoch, logs, context) {
          const value = logs[metric];
          if (value === undefined || !Number.isFinite(value)) return;
          if (best !== undefined && !better(value, best)) return;
          best = value;
          const trainer = (context as TrainerCallbackContext).trainer;
          const averaging = trainer.averaging?.();
          const label = await saveCheckpoint(bestCheckpoints, {
            model: context.model as Sequential,
            optimizer: trainer.optimizer,
            state: trainer.state(),
            ...(averaging === undefined ? {} : { averaging }),
            ...(classNames === undefined ? {} : { metadata: { classNames } }),
          });
          for (const old of await bestCheckpoints.list())
            if (old !== label) await bestCheckpoints.remove(old);
          onSaved(label, value);
        },
      };
    },
  };
}

/**
 * Refuses a folder that holds another run's checkpoints (a new run would mix with them) unless `--resume`
 * or `--overwrite` says what to do; `--overwrite` clears it.
 */
export async function claimCheckpointFolder(
  folder: CheckpointFolder,
  { resume, overwrite }: { resume: boolean; overwrite: boolean },
): Promise<void> {
  if (resume) return;
  const labels = await folder.labels();
  if (labels.length === 0 && folder.savedConfig() === undefined) return;
  if (!overwrite)
    throw new CliError(
      `--checkpoint-dir '${folder.directory}' holds another run's checkpoints (${labels.at(-1) ?? 'config.json'} the latest)`,
      'add --resume to continue that run, --overwrite to replace it, or choose another --checkpoint-dir',
      2,
    );
  await folder.clear();
}
