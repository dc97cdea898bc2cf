/**
 * `gradwell train`: a dataset, a model (preset or JSON file) and a recipe from flags or a config file; a
 * progress bar per epoch; history (JSON + CSV), training curves (SVG), per-layer diagnostics (at
 * initialisation, every epoch, the end) with a stall check, the trained model, the resolved config, and
 * atomic checkpoints — Ctrl-C saves where it stopped and `--resume` continues from exactly there.
 */
import { Command } from 'commander';
import { setupBackend, type TrainingCallback } from '@gradwell/core';
import {
  defaultLearningRate,
  diagnoseModel,
  estimateBatchNormStatistics,
  evaluate,
  fit,
  splitDataset,
  stallDetector,
  TrainingDivergedError,
  type FitOptions,
  type Model,
  type StallReport,
  type TrainingRun,
  type TrainingState,
} from '@gradwell/trainer';
import { CliError } from '../errors';
import { loadData } from '../data';
import { createOutput, num, percent, type Output } from '../output';
import { loadPlugins } from '../plugins';
import { progress } from './progress';
import type { TrainConfig } from './train-config';
import { addTrainOptions, runConfig, type RunFlags } from './train-options';
import { checkpointFolder, claimCheckpointFolder, type CheckpointFolder } from './train-checkpoints';
import {
  augmentFor,
  buildModel,
  checkNames,
  earlyStoppingCallbacks,
  optimizerSpec,
  plateauCallbacks,
  schedule,
  regularisationOptions,
  weightNormDataInit,
} from './train-recipe';
import { startingModel } from './train-init-from';
import { listenForInterrupt } from './train-interrupt';
import {
  epochDiagnostics,
  flagSummary,
  historyWithPartial,
  printDiagnostics,
  printFlagChanges,
  warnIfStopped,
  writeRunFiles,
  type LabelledReport,
} from './train-report';

export function trainCommand(): Command {
  const command = new Command('train').description(
    "train a network on MNIST, Fashion-MNIST, spirals or a folder of labelled images, with the lecture's techniques",
  );
  return addTrainOptions(command)
    .option(
      '--config <file.json>',
      "read the options from a JSON file (a run's config.json repeats it); flags override it",
    )
    .option('--print-config', 'print the resolved config (what config.json will hold) and exit')
    .option(
      '--resume [checkpoint]',
      'continue the run in --checkpoint-dir, from its latest checkpoint or the one named',
    )
    .option('--overwrite', 'replace the run already in --checkpoint-dir')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (_flags: unknown, cmd: Command) => train(cmd));
}

function describeState(state: TrainingState, epochs: number): string {
  const from = state.position === undefined ? '' : `, from batch ${state.position.batch + 1}`;
  return `epoch ${state.epoch + 1} of ${epochs}${from}`;
}

async function startModel(
  config: TrainConfig,
  folder: CheckpointFolder | undefined,
  resume: string | true | undefined,
  data: { inputShape: number[]; classes: number },
  out: Output,
): Promise<{ model: Model; resume?: FitOptions['resume'] }> {
  if (resume !== undefined && folder !== undefined) {
    const loaded = await folder.resumeFrom(resume === true ? undefined : resume);
    out.line(
      out.color.dim(
        `resuming ${loaded.label} of ${folder.directory} (${describeState(loaded.state, config.epochs)})`,
      ),
    );
    if (loaded.state.epoch >= config.epochs && loaded.state.position === undefined)
      out.warn(
        `that run is complete (${loaded.state.epoch} of ${config.epochs} epochs): raise --epochs to train on`,
      );
    return { model: loaded.model, resume: loaded };
  }
  if (config.initFrom !== undefined)
    return { model: await startingModel(config, data.inputShape, data.classes) };
  return { model: buildModel(config, data.inputShape, data.classes) };
}

async function train(command: Command): Promise<void> {
  const flags = command.opts<RunFlags>();
  const resume = flags.resume === undefined || flags.resume === false ? undefined : flags.resume;
  const config = runConfig(command, flags, resume !== undefined);
  if (flags.printConfig === true) {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return;
  }
  const out = createOutput({ json: flags.json });
  await loadPlugins(config.plugin);
  checkNames(config);
  const regularisation = regularisationOptions(config);
  const folder = config.checkpointDir === undefined ? undefined : checkpointFolder(config.checkpointDir);
  if (folder !== undefined)
    await claimCheckpointFolder(folder, {
      resume: resume !== undefined,
      overwrite: flags.overwrite === true,
    });

  const backend = await setupBackend();
  const data = loadData({ ...config, flat: false });
  if (data.skipped !== undefined && data.skipped.length > 0)
    out.warn(
      `skipped ${data.skipped.length} file(s) in '${config.dataset}' that are not PNG or JPEG images: ${data.skipped.slice(0, 3).join(', ')}${data.skipped.length > 3 ? ', …' : ''}`,
    );
  const pipeline = config.augment && augmentFor(config.augment, config.seed, data.train.inputShape);
  const classes = data.train.numClasses ?? 10;
  const started = await startModel(
    config,
    folder,
    resume,
    { inputShape: data.train.inputShape, classes },
    out,
  );
  const model = started.model;
  folder?.writeConfig(config);
  const summary = model.summary();
  out.line(
    out.color.bold(
      `gradwell train — ${data.name} (${data.train.size} train / ${data.test.size} test), ${backend.backend}${backend.simd ? ' SIMD' : ''}, ${backend.threads} thread(s)`,
    ),
  );
  out.line(summary.text);

  // Early stopping and the plateau schedule decide on a validation split of the training set, so the test
  // accuracy stays unbiased.
  let train = data.train;
  let validation = data.test;
  let validationName = 'test';
  if (config.earlyStopping !== undefined || config.lrSchedule === 'plateau') {
    const split = splitDataset(data.train, { validation: 0.1, seed: config.seed });
    train = split.train;
    validation = split.validation;
    validationName = 'validation';
  }
  if (config.weightNorm && started.resume === undefined) weightNormDataInit(model, train, config.seed, out);
  const stepsPerEpoch = Math.ceil(train.size / config.batchSize);
  const rate = config.lr ?? defaultLearningRate(config.optimizer);
  const when = new Set(config.diagnostics);
  const reports: LabelledReport[] = [];
  if (when.has('init')) {
    const report = diagnoseModel(model, train);
    reports.push({ label: started.resume === undefined ? 'init' : 'resumed', report });
    out.line(`diagnostics at ${reports[0]?.label}: ${flagSummary(report)}`);
  }
  const interrupt = listenForInterrupt(out, config.accumulate);
  let stall: StallReport | undefined;
  const saved: string[] = [];
  let best: { label: string; value: number } | undefined;
  const perEpoch = epochDiagnostics(out, when.has('epoch'));
  const callbacks: TrainingCallback[] = [
    interrupt.callback,
    progress(out, config.epochs, stepsPerEpoch),
    perEpoch.callback,
    stallDetector({
      windowSteps: Math.min(100, Math.max(10, Math.round(stepsPerEpoch / 4))),
      classes,
      onStall: (report) => {
        stall = report;
        out.warn(report.message);
      },
    }),
    ...earlyStoppingCallbacks(config, folder),
    ...plateauCallbacks(config, (r) =>
      out.line(
        `learning rate ${num(r.from)} → ${num(r.to)}: valLoss not below ${num(r.best)} for ${config.lrPatience} epoch(s)`,
      ),
    ),
    ...(folder === undefined
      ? []
      : [folder.callback(config.keepCheckpoints, (label) => saved.push(label), data.classNames)]),
    ...(folder === undefined || config.saveBest === undefined
      ? []
      : [folder.bestCallback(config.saveBest, (label, value) => (best = { label, value }), data.classNames)]),
  ];
  let run: TrainingRun;
  try {
    run = await fit(model, train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer: optimizerSpec(config, rate),
      ...(config.accumulate > 1 ? { accumulate: config.accumulate } : {}),
      learningRate: schedule(
        config.lrSchedule,
        rate,
        config.epochs,
        Math.ceil(stepsPerEpoch / config.accumulate),
      ),
      ...regularisation,
      ...(pipeline ? { augment: pipeline } : {}),
      validation,
      diagnostics: when.has('epoch') || when.has('end') ? { onReport: perEpoch.onReport } : false,
      callbacks,
      ...(started.resume ? { resume: started.resume } : {}),
    });
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      throw new CliError(
        `training diverged at epoch ${error.report.epoch + 1}, step ${error.report.step}: ${error.report.message}`,
        'lower --lr, add --clip-norm 1 or --batchnorm',
      );
    }
    throw error;
  } finally {
    interrupt.release();
  }
  reports.push(...run.diagnostics.map((report) => ({ label: `epoch ${report.epoch + 1}`, report })));
  const history = historyWithPartial(run);
  const precise = config.preciseBn ? await estimateBatchNormStatistics(model, train) : undefined;
  const test = await evaluate(model, data.test);
  const files = await writeRunFiles(config.out, {
    name: data.name,
    validationName,
    history,
    reports,
    model,
    config,
    classNames: data.classNames,
    outcome: { test, run },
  });
  warnIfStopped(out, run, folder, saved.at(-1));
  out.line();
  out.line(
    out.color.bold(
      `test accuracy ${percent(test.accuracy)}  (loss ${num(test.loss)})${run.averagedSteps ? `  of the weights averaged over ${run.averagedSteps} steps` : ''}${precise ? `, batch-norm statistics re-estimated on ${precise.examples} examples` : ''}${run.stopReason ? `  — ${run.stopReason}` : ''}`,
    ),
  );
  const last = reports.at(-1);
  if (last !== undefined) printDiagnostics(out, last);
  if (reports.length > 1) printFlagChanges(out, reports);
  out.line(out.color.bold('files:'));
  for (const file of files) out.line(`  ${file}`);
  if (folder !== undefined && saved.length > 0)
    out.line(`  ${folder.directory}/ (checkpoints kept: ${(await folder.labels()).join(', ')})`);
  if (best !== undefined)
    out.line(`  ${folder?.directory}/best/${best.label} (best ${config.saveBest} ${num(best.value)})`);
  out.result({
    dataset: data.name,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    epochs: run.epochs,
    stopReason: run.stopReason,
    ...(run.averagedSteps === undefined ? {} : { averagedSteps: run.averagedSteps }),
    ...(precise === undefined ? {} : { preciseBn: precise }),
    interrupted: interrupt.interrupted,
    history,
    ...(run.partialEpoch === undefined ? {} : { partialEpoch: run.partialEpoch }),
    warnings: last?.report.warnings ?? [],
    stall: stall ?? null,
    summary: {
      rows: summary.rows,
      totalParams: summary.totalParams,
      trainableParams: summary.trainableParams,
    },
    config,
    files,
    checkpoints: saved,
    ...(best === undefined ? {} : { best }),
  });
  model.dispose();
  if (train !== data.train) {
    train.dispose();
    validation.dispose();
  }
  data.train.dispose();
  data.test.dispose();
  if (interrupt.interrupted) process.exitCode = 130;
}
