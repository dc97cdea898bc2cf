/**
 * `gradwell train`: a dataset, a model (preset or JSON file) and a recipe from flags; a progress bar per
 * epoch; history (JSON + CSV), training curves (SVG), per-layer diagnostics with warnings, the trained
 * model and atomic checkpoints (Ctrl-C keeps the last complete one; --resume continues it exactly).
 */
import { Command } from 'commander';
import { setupBackend, type TrainingCallback, type TrainingLogs } from '@gradwell/core';
import { l1l2 } from '@gradwell/regularizers';
import { pipelineFromJSON } from '@gradwell/augment';
import {
  checkpointCallback,
  earlyStopping,
  evaluate,
  fit,
  loadCheckpoint,
  OPTIMIZER_NAMES,
  splitDataset,
  TrainingDivergedError,
  type DiagnosticsReport,
  type FitOptions,
  type Model,
  type OptimizerName,
} from '@gradwell/trainer';
import { directoryStore } from '@gradwell/trainer/node';
import { CliError, choiceFlag, numberFlag } from '../errors';
import { loadData } from '../data';
import { createOutput, num, percent } from '../output';
import { progress } from './progress';
import { buildModel, parseAugment, schedule, type TrainFlags } from './train-recipe';
import { startingModel } from './train-init-from';
import { printDiagnostics, writeRunFiles } from './train-report';

export function trainCommand(): Command {
  return new Command('train')
    .description(
      "train a network on MNIST, Fashion-MNIST, spirals or a folder of labelled images, with the lecture's techniques",
    )
    .option(
      '--dataset <name|folder>',
      'mnist | fashion-mnist | spirals | a folder with one sub-folder of images per class',
      'mnist',
    )
    .option(
      '--data-dir <folder>',
      'where the Fashion-MNIST idx files are (default $GRADWELL_FASHION_MNIST_DIR)',
    )
    .option('--limit <n>', 'use the first n training examples (and n/5 test examples)')
    .option('--image-size <px>', 'side of the square images a folder dataset is resized to', '32')
    .option('--model <mlp|cnn|file.json>', 'a preset, or a model config JSON (Model#getConfig())', 'mlp')
    .option(
      '--init-from <model.json|folder>',
      'start from a trained model (gradwell, tfjs-layers or converted from Keras): fine-tune it',
    )
    .option(
      '--freeze <layer,...>',
      'with --init-from: keep these layers fixed (names as gradwell inspect lists them)',
    )
    .option(
      '--new-head',
      "with --init-from: replace the last dense layer with a fresh one for this data's classes",
    )
    .option('--hidden <units,...>', 'hidden layer widths of the mlp preset', '512,256')
    .option('--init <name>', 'kernel initialiser (default: the one that pairs with the activation)')
    .option('--activation <name>', 'hidden activation', 'relu')
    .option('--batchnorm', 'batch norm between each hidden layer and its activation')
    .option('--dropout <rate>', 'dropout after each hidden dense layer')
    .option('--drop-connect <rate>', 'DropConnect on the hidden dense layers')
    .option('--l1 <lambda>', 'L1 penalty on every kernel')
    .option('--l2 <lambda>', 'L2 penalty on every kernel')
    .option('--weight-decay <lambda>', 'decoupled weight decay (AdamW / SGDW)')
    .option('--label-smoothing <epsilon>', 'label smoothing ε')
    .option('--confidence-penalty <beta>', 'confidence penalty β')
    .option(
      '--augment <spec>',
      `augmentation: step names (${'flipHorizontal,randomCrop'}), a JSON pipeline, or a .json file`,
    )
    .option(
      '--early-stopping <patience>',
      'hold out 10% of the training set; stop when its loss has not improved for this many epochs, restoring the best weights',
    )
    .option('--epochs <n>', 'epochs', '3')
    .option('--batch-size <n>', 'batch size', '128')
    .option('--lr <rate>', "learning rate (default: the optimiser's)")
    .option('--lr-schedule <name>', 'constant | cosine | step | warmup-cosine', 'constant')
    .option('--clip-norm <norm>', 'clip gradients to this global norm')
    .option('--optimizer <name>', OPTIMIZER_NAMES.join(' | '), 'adam')
    .option('--seed <n>', 'seed of weights, shuffling, dropout and augmentation', '1')
    .option('--checkpoint-dir <folder>', 'save a checkpoint after every epoch (atomically)')
    .option('--resume', 'continue the run saved in --checkpoint-dir')
    .option('--out <folder>', 'where history, plots, diagnostics and the model go', 'gradwell-run')
    .option('--no-diagnostics', 'skip the per-layer diagnostics')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: TrainFlags) => train(flags));
}

async function train(flags: TrainFlags): Promise<void> {
  const out = createOutput({ json: flags.json });
  const epochs = numberFlag('--epochs', flags.epochs, { min: 1, integer: true }) as number;
  const batchSize = numberFlag('--batch-size', flags.batchSize, { min: 1, integer: true }) as number;
  const seed = numberFlag('--seed', flags.seed, { integer: true, min: 0 }) as number;
  const limit = numberFlag('--limit', flags.limit, { min: 1, integer: true });
  const imageSize = numberFlag('--image-size', flags.imageSize, { min: 4, integer: true });
  const optimizerName = choiceFlag('--optimizer', flags.optimizer, OPTIMIZER_NAMES) as OptimizerName;
  const lr = numberFlag('--lr', flags.lr, { min: 0, minInclusive: false });
  const l1 = numberFlag('--l1', flags.l1, { min: 0 });
  const l2 = numberFlag('--l2', flags.l2, { min: 0 });
  const weightDecay = numberFlag('--weight-decay', flags.weightDecay, { min: 0 });
  const labelSmoothing = numberFlag('--label-smoothing', flags.labelSmoothing, { min: 0, max: 0.99 });
  const confidencePenalty = numberFlag('--confidence-penalty', flags.confidencePenalty, { min: 0 });
  const patience = numberFlag('--early-stopping', flags.earlyStopping, { min: 0, integer: true });
  const clipNorm = numberFlag('--clip-norm', flags.clipNorm, { min: 0, minInclusive: false });
  const augment = flags.augment === undefined ? undefined : parseAugment(flags.augment);
  if (flags.resume === true && flags.checkpointDir === undefined)
    throw new CliError(
      '--resume needs --checkpoint-dir (the folder of the run to continue)',
      'e.g. --resume --checkpoint-dir runs/mnist',
      2,
    );

  const backend = await setupBackend();
  const data = loadData({
    dataset: flags.dataset,
    limit,
    flat: false,
    dataDir: flags.dataDir,
    imageSize,
    seed,
  });
  const classes = data.train.numClasses ?? 10;
  const store = flags.checkpointDir === undefined ? undefined : directoryStore(flags.checkpointDir);
  let model: Model;
  let resume: FitOptions['resume'];
  if (flags.resume === true && store !== undefined) {
    if ((await store.latest()) === undefined)
      throw new CliError(
        `--resume: '${flags.checkpointDir}' holds no checkpoint`,
        'run without --resume first, with the same --checkpoint-dir',
        2,
      );
    const loaded = await loadCheckpoint(store);
    model = loaded.model;
    resume = loaded;
    out.line(
      out.color.dim(
        `resuming ${loaded.label} of ${flags.checkpointDir} (epoch ${loaded.state.epoch + 1} of ${epochs})`,
      ),
    );
  } else if (flags.initFrom !== undefined) {
    model = await startingModel(flags, data.train.inputShape, classes, seed);
  } else {
    model = buildModel(flags, data.train.inputShape, classes, seed);
  }
  const summary = model.summary();
  out.line(
    out.color.bold(
      `gradwell train — ${data.name} (${data.train.size} train / ${data.test.size} test), ${backend.backend}${backend.simd ? ' SIMD' : ''}, ${backend.threads} thread(s)`,
    ),
  );
  out.line(summary.text);

  // Early stopping decides on a validation split of the training set, so the test accuracy stays unbiased.
  let train = data.train;
  let validation = data.test;
  let validationName = 'test';
  if (patience !== undefined) {
    const split = splitDataset(data.train, { validation: 0.1, seed });
    train = split.train;
    validation = split.validation;
    validationName = 'validation';
  }
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const rate = lr ?? (optimizerName === 'adam' || optimizerName === 'rmsprop' ? 1e-3 : 1e-2);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    out.warn('interrupted: stopping after this batch (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  const stopOnSignal: TrainingCallback = {
    onBatchEnd(_b, _l, context) {
      if (interrupted) context.requestStop('interrupted (Ctrl-C)');
    },
  };
  const stopper =
    patience === undefined
      ? undefined
      : earlyStopping({ monitor: 'valLoss', patience, restoreBestWeights: true });
  const saved: string[] = [];
  const callbacks: TrainingCallback[] = [
    stopOnSignal,
    ...(flags.json === true ? [] : [progress(out, epochs, stepsPerEpoch)]),
    ...(stopper === undefined ? [] : [stopper]),
    ...(store === undefined ? [] : [checkpointCallback({ store, onSaved: (label) => saved.push(label) })]),
  ];
  let history: TrainingLogs[] = [];
  let diagnostics: DiagnosticsReport[] = [];
  let stopReason: string | undefined;
  try {
    const run = await fit(model, train, {
      epochs,
      batchSize,
      seed,
      optimizer: { name: optimizerName, learningRate: rate, ...(weightDecay ? { weightDecay } : {}) },
      learningRate: schedule(flags.lrSchedule ?? 'constant', rate, epochs, stepsPerEpoch),
      ...(labelSmoothing ? { labelSmoothing } : {}),
      ...(l1 || l2 ? { penalty: l1l2({ l1: l1 ?? 0, l2: l2 ?? 0 }) } : {}),
      ...(confidencePenalty ? { confidencePenalty } : {}),
      ...(clipNorm ? { clipNorm } : {}),
      ...(augment ? { augment: pipelineFromJSON({ seed, ...augment }) } : {}),
      validation,
      diagnostics: flags.diagnostics !== false,
      callbacks,
      ...(resume ? { resume } : {}),
    });
    history = run.history;
    diagnostics = run.diagnostics;
    stopReason = run.stopReason;
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      throw new CliError(
        `training diverged at epoch ${error.report.epoch + 1}, step ${error.report.step}: ${error.report.message}`,
        'lower --lr, add --clip-norm 1 or --batchnorm',
      );
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }

  const files = await writeRunFiles(flags.out, {
    name: data.name,
    validationName,
    history,
    diagnostics,
    model,
  });

  const test = await evaluate(model, data.test);
  const last = diagnostics[diagnostics.length - 1];
  if (interrupted && store !== undefined)
    out.warn(
      `stopped early; the last complete checkpoint is ${saved.at(-1) ?? '(none yet)'} in ${flags.checkpointDir}: continue with --resume --checkpoint-dir ${flags.checkpointDir}`,
    );
  out.line();
  out.line(
    out.color.bold(
      `test accuracy ${percent(test.accuracy)}  (loss ${num(test.loss)})${stopReason ? `  — ${stopReason}` : ''}`,
    ),
  );
  if (last !== undefined) printDiagnostics(out, last);
  out.line(out.color.bold('files:'));
  for (const file of files) out.line(`  ${file}`);
  if (saved.length > 0) out.line(`  ${flags.checkpointDir}/ (checkpoints ${saved.join(', ')})`);
  out.result({
    dataset: data.name,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    epochs: history.length,
    stopReason,
    interrupted,
    history,
    warnings: last?.warnings ?? [],
    summary: {
      rows: summary.rows,
      totalParams: summary.totalParams,
      trainableParams: summary.trainableParams,
    },
    files,
    checkpoints: saved,
  });
  model.dispose();
  if (train !== data.train) {
    train.dispose();
    validation.dispose();
  }
  data.train.dispose();
  data.test.dispose();
  if (interrupted) process.exitCode = 130;
}
