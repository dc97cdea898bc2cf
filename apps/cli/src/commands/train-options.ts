/**
 * The option table applied: `train`'s options added to a command, `--config <file.json>` read, and the
 * resolved `TrainConfig` (command line over config file over defaults), also for a resumed run.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { findNearestName } from '@gradwell/core';
import { CliError } from '../errors';
import { checkpointFolder } from './train-checkpoints';
import { TRAIN_OPTIONS, type Key, type TrainConfig } from './train-config';

/** `--hidden` for `hidden`, `--init-from` for `initFrom`. */
export function flagName(key: Key): string {
  return (TRAIN_OPTIONS.find((o) => o.key === key)?.flag ?? String(key)).split(' ')[0] as string;
}

/** Adds the options of the table (all, or those whose keys are given) to `command`. */
export function addTrainOptions(command: Command, keys?: readonly Key[]): Command {
  for (const option of TRAIN_OPTIONS.filter((o) => keys === undefined || keys.includes(o.key))) {
    const { default: value } = option;
    const shown = Array.isArray(value)
      ? value.join(',')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : value;
    const description =
      shown === undefined || shown === false || shown === ''
        ? option.description
        : `${option.description} (default: ${String(shown)})`;
    const collect = (value: string, previous: string[] = []) => [...previous, value];
    if (option.repeatable === true) command.option(option.flag, description, collect);
    else command.option(option.flag, description);
  }
  if (keys === undefined || keys.includes('diagnostics'))
    command.option('--no-diagnostics', 'skip the per-layer diagnostics');
  return command;
}

/** A config file's options (the keys of config.json), or a one-line error. */
export function readConfigFile(file: string): Partial<Record<Key, unknown>> {
  if (!existsSync(file))
    throw new CliError(`--config: '${file}' does not exist`, 'give a config.json (a run writes one)', 2);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      `--config: '${file}' is not valid JSON (${(error as Error).message})`,
      'fix the file',
      2,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(
      `--config: '${file}' must hold an object of options`,
      'e.g. {"model": "cnn", "epochs": 2}',
      2,
    );
  const keys = TRAIN_OPTIONS.map((o) => o.key as string);
  const unknown = Object.keys(parsed).filter((key) => !keys.includes(key));
  const first = unknown[0];
  if (first !== undefined) {
    const nearest = findNearestName(first, keys);
    throw new CliError(
      `--config: '${file}' has an unknown option '${first}'` +
        (nearest === undefined ? '' : ` (did you mean '${nearest}'?)`),
      `its options are the flags in camelCase: ${keys.join(', ')}`,
      2,
    );
  }
  return parsed;
}

/** Which options the command line gave (not defaults), by key. */
export function givenOnCommandLine(command: Command): Set<Key> {
  return new Set(
    TRAIN_OPTIONS.map((o) => o.key).filter((key) => command.getOptionValueSource(key) === 'cli'),
  );
}

/** The resolved config: command-line flags over the config file over the defaults, every value checked. */
export function resolveTrainConfig(command: Command, file?: Partial<Record<Key, unknown>>): TrainConfig {
  const flags = command.opts<Record<string, unknown>>();
  const given = givenOnCommandLine(command);
  const config: Record<string, unknown> = {};
  for (const option of TRAIN_OPTIONS) {
    const name =
      given.has(option.key) || file?.[option.key] === undefined
        ? flagName(option.key)
        : `config '${option.key}'`;
    const raw = given.has(option.key) ? flags[option.key] : (file?.[option.key] ?? flags[option.key]);
    if (option.key === 'diagnostics' && raw === false) config.diagnostics = [];
    else if (raw !== undefined) config[option.key] = option.read(raw, name);
    else if (option.default !== undefined) config[option.key] = option.default;
  }
  return config as unknown as TrainConfig;
}

const BUILT_IN_DATASETS = ['mnist', 'fashion-mnist', 'spirals'];

/**
 * Options that act only beside another (`--freeze` on an `--init-from` model, `--hidden` on the mlp
 * preset, …), given where they would do nothing: an error naming both, never silently ignored. Options
 * that every run's config.json holds at their defaults (`hidden`, `imageSize`) count only where the
 * command line gives them. Checked after a resumed run's own check, whose error says more there.
 */
export function checkOptionsApply(config: TrainConfig, given: Set<Key>): void {
  const refuse = (key: Key, why: string, fix: string) => {
    throw new CliError(`${flagName(key)} ${why}`, fix, 2);
  };
  if (config.initFrom === undefined) {
    if (config.freeze !== undefined)
      refuse(
        'freeze',
        'keeps layers of the --init-from model fixed, and no --init-from is given',
        'add --init-from <model>, or drop --freeze',
      );
    if (config.newHead)
      refuse(
        'newHead',
        'replaces the last layer of the --init-from model, and no --init-from is given',
        'add --init-from <model>, or drop --new-head',
      );
  }
  if (given.has('hidden') && (config.model !== 'mlp' || config.initFrom !== undefined))
    refuse(
      'hidden',
      `sets the widths of the mlp preset, and the model here is ${config.initFrom === undefined ? `'${config.model}'` : `--init-from '${config.initFrom}'`}`,
      'drop --hidden, or use --model mlp',
    );
  if (config.weightNorm && (config.initFrom !== undefined || !['mlp', 'cnn'].includes(config.model)))
    refuse(
      'weightNorm',
      `makes the hidden layers of the mlp and cnn presets weight-normalised, and the model here is ${config.initFrom === undefined ? `'${config.model}'` : `--init-from '${config.initFrom}'`}`,
      'drop --weight-norm, or build the model with WeightNormDense/WeightNormConv2d layers in its JSON',
    );
  for (const key of ['batchnorm', 'meanOnlyBn'] as const)
    if (config[key] && (config.initFrom !== undefined || !['mlp', 'cnn'].includes(config.model)))
      refuse(
        key,
        `puts a normalisation layer into the mlp and cnn presets, and the model here is ${config.initFrom === undefined ? `'${config.model}'` : `--init-from '${config.initFrom}'`}`,
        `drop ${flagName(key)}, or put the layers into the model's JSON`,
      );
  if (config.batchnorm && config.meanOnlyBn)
    refuse(
      'meanOnlyBn',
      'and --batchnorm both go between each hidden layer and its activation',
      'choose one of them',
    );
  if (config.weightNorm && config.dropConnect !== undefined && config.dropConnect > 0)
    refuse('weightNorm', 'and --drop-connect both replace the hidden dense layers', 'choose one of them');
  if (config.trustCoefficient !== undefined && config.optimizer !== 'lars')
    refuse(
      'trustCoefficient',
      `sets LARS's per-layer rates, and --optimizer is '${config.optimizer}'`,
      'add --optimizer lars, or drop --trust-coefficient',
    );
  if (given.has('lrPatience') && config.lrSchedule !== 'plateau')
    refuse(
      'lrPatience',
      `counts the epochs the plateau schedule waits, and --lr-schedule is '${config.lrSchedule}'`,
      'add --lr-schedule plateau, or drop --lr-patience',
    );
  const { dataset } = config;
  if (given.has('imageSize') && BUILT_IN_DATASETS.includes(dataset))
    refuse(
      'imageSize',
      `resizes the images of a folder dataset, and --dataset is '${dataset}'`,
      'drop --image-size',
    );
  if (config.dataDir !== undefined && dataset !== 'fashion-mnist')
    refuse(
      'dataDir',
      `locates Fashion-MNIST's idx files, and --dataset is '${dataset}'`,
      'drop --data-dir, or use --dataset fashion-mnist',
    );
  if (config.augment !== undefined && dataset === 'spirals')
    refuse(
      'augment',
      "transforms images, and --dataset 'spirals' holds 2-d points",
      'drop --augment, or train on images (mnist, fashion-mnist, a folder)',
    );
}

/**
 * The config to resume with: the saved run's, with the options that may change taken from `current`. An
 * option that may not change (it shapes the model, the data or the updates), given differently on the
 * command line, is an error naming the flag and both values.
 */
export function resumeConfig(
  saved: TrainConfig,
  current: TrainConfig,
  given: Set<Key>,
  where: string,
): TrainConfig {
  const merged: Record<string, unknown> = { ...saved };
  const differing: string[] = [];
  for (const option of TRAIN_OPTIONS) {
    // read as a config file is: an edited value is checked, and an older release's form resolved
    const raw = saved[option.key];
    if (raw !== undefined) merged[option.key] = option.read(raw, `${where} '${option.key}'`);
    // an option newer than the run's release: the run had its default behaviour
    else if (option.default !== undefined) merged[option.key] = option.default;
    const mine = current[option.key];
    if (option.resumable === true) {
      if (mine !== undefined) merged[option.key] = mine;
      continue;
    }
    if (given.has(option.key) && JSON.stringify(mine) !== JSON.stringify(merged[option.key]))
      differing.push(
        `${flagName(option.key)} is ${JSON.stringify(mine)} here, ${JSON.stringify(merged[option.key] ?? null)} in the run`,
      );
  }
  if (differing.length > 0)
    throw new CliError(
      `--resume: the run being resumed (${where}) was started with other options: ${differing.join('; ')}`,
      `drop ${differing.length === 1 ? 'that flag' : 'those flags'} to continue that run, or start a new one in another --checkpoint-dir`,
      2,
    );
  return merged as unknown as TrainConfig;
}

/** The flags of `train` that are not options of the run itself. */
export interface RunFlags {
  config?: string;
  printConfig?: boolean;
  resume?: boolean | string;
  overwrite?: boolean;
  json?: boolean;
}

/** The resolved config, a resumed run's checked against the config it was started with. */
export function runConfig(command: Command, flags: RunFlags, resuming: boolean): TrainConfig {
  const file = flags.config === undefined ? undefined : readConfigFile(flags.config);
  const given = new Set([
    ...givenOnCommandLine(command),
    ...(Object.keys(file ?? {}) as Array<keyof TrainConfig>),
  ]);
  const config = resolveTrainConfig(command, file);
  const needsFolder = (flag: string, what: string) => {
    if (config.checkpointDir === undefined)
      throw new CliError(`${flag} ${what} --checkpoint-dir`, `e.g. ${flag} --checkpoint-dir runs/mnist`, 2);
  };
  if (resuming) needsFolder('--resume', 'continues the run saved in');
  if (flags.overwrite === true) needsFolder('--overwrite', 'replaces the run in');
  if (config.keepCheckpoints !== undefined) needsFolder('--keep-checkpoints', 'thins out');
  if (config.saveBest !== undefined) needsFolder('--save-best', 'keeps the best checkpoint in');
  const { keepCheckpoints: keep, earlyStopping: patience } = config;
  if (keep !== undefined && patience !== undefined && keep < patience + 1)
    throw new CliError(
      `--keep-checkpoints ${keep} would delete the checkpoint of the best epoch, which --early-stopping ${patience} ` +
        'restores from after --resume',
      `keep at least ${patience + 1} (patience + 1)`,
      2,
    );
  if (resuming && flags.overwrite === true)
    throw new CliError('--resume and --overwrite exclude each other', 'continue the run, or replace it', 2);
  const saved =
    resuming && config.checkpointDir !== undefined
      ? checkpointFolder(config.checkpointDir).savedConfig()
      : undefined;
  const resolved =
    saved === undefined
      ? config
      : resumeConfig(saved as TrainConfig, config, given, `${config.checkpointDir}/config.json`);
  checkOptionsApply(resolved, givenOnCommandLine(command));
  return resolved;
}
