/**
 * `gradwell lr-find`: the learning-rate range test (Smith 2017) on the model and data `train` would use —
 * an exponential sweep of the learning rate over a few steps, the smoothed loss, the suggested rate
 * (steepest fall), a plot (lr-find.svg) and the sweep as JSON (lr-find.json). The model is left untrained.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { l1l2 } from '@gradwell/regularizers';
import { learningRateRangeTest } from '@gradwell/trainer';
import { loadData } from '../data';
import { numberFlag } from '../errors';
import { createOutput, num } from '../output';
import { lineChart, writeSvg } from '../plots';
import { loadPlugins } from '../plugins';
import type { TrainConfig } from './train-config';
import {
  addTrainOptions,
  checkOptionsApply,
  givenOnCommandLine,
  readConfigFile,
  resolveTrainConfig,
} from './train-options';
import { startingModel } from './train-init-from';
import { augmentFor, buildModel, checkNames, optimizerSpec, weightNormDataInit } from './train-recipe';

/** The train options that shape the model, the data and the step (not the run's length, schedule or checkpoints). */
const SHARED: ReadonlyArray<keyof TrainConfig> = [
  'dataset',
  'dataDir',
  'limit',
  'imageSize',
  'model',
  'initFrom',
  'freeze',
  'newHead',
  'hidden',
  'init',
  'activation',
  'batchnorm',
  'meanOnlyBn',
  'weightNorm',
  'dropout',
  'dropConnect',
  'l1',
  'l2',
  'weightDecay',
  'trustCoefficient',
  'labelSmoothing',
  'confidencePenalty',
  'augment',
  'batchSize',
  'accumulate',
  'clipNorm',
  'optimizer',
  'seed',
  'plugin',
  'out',
];

interface SweepFlags {
  config?: string;
  minLr: string;
  maxLr: string;
  steps: string;
  smoothing: string;
  json?: boolean;
}

export function lrFindCommand(): Command {
  const command = new Command('lr-find').description(
    'the learning-rate range test (Smith 2017): sweep the learning rate exponentially over a few steps and suggest one',
  );
  return addTrainOptions(command, SHARED)
    .option(
      '--config <file.json>',
      "take the model and data options from a JSON file (e.g. a run's config.json)",
    )
    .option('--min-lr <rate>', 'the sweep starts here', '1e-7')
    .option('--max-lr <rate>', 'and ends here (or where the loss blows up)', '10')
    .option('--steps <n>', 'steps (updates) of the sweep', '100')
    .option('--smoothing <beta>', 'β of the moving average of the loss', '0.98')
    .option('--json', 'print the sweep and the suggestion as JSON on stdout')
    .action(async (flags: SweepFlags, cmd: Command) => {
      const file = flags.config === undefined ? undefined : readConfigFile(flags.config);
      const config = resolveTrainConfig(cmd, file);
      checkOptionsApply(config, givenOnCommandLine(cmd));
      const minLearningRate = numberFlag('--min-lr', flags.minLr, { min: 0, minInclusive: false }) as number;
      const maxLearningRate = numberFlag('--max-lr', flags.maxLr, {
        min: minLearningRate,
        minInclusive: false,
      }) as number;
      const steps = numberFlag('--steps', flags.steps, { min: 5, integer: true }) as number;
      const smoothing = numberFlag('--smoothing', flags.smoothing, { min: 0, max: 0.999 }) as number;
      const out = createOutput({ json: flags.json });
      await loadPlugins(config.plugin);
      checkNames(config);
      await setupBackend();
      const data = loadData({ ...config, flat: false });
      const pipeline = config.augment && augmentFor(config.augment, config.seed, data.train.inputShape);
      const classes = data.train.numClasses ?? 10;
      const model =
        config.initFrom !== undefined
          ? await startingModel(config, data.train.inputShape, classes)
          : buildModel(config, data.train.inputShape, classes);
      if (config.weightNorm) weightNormDataInit(model, data.train, config.seed, out);
      out.line(
        out.color.bold(
          `gradwell lr-find — ${data.name} (${data.train.size} examples), ${config.optimizer}, batch ${config.batchSize}${config.accumulate > 1 ? ` × ${config.accumulate} accumulated` : ''}, ${steps} steps from ${num(minLearningRate)} to ${num(maxLearningRate)}`,
        ),
      );
      const result = await learningRateRangeTest(model, data.train, {
        minLearningRate,
        maxLearningRate,
        steps,
        smoothing,
        batchSize: config.batchSize,
        ...(config.accumulate > 1 ? { accumulate: config.accumulate } : {}),
        seed: config.seed,
        optimizer: optimizerSpec(config),
        ...(config.labelSmoothing ? { labelSmoothing: config.labelSmoothing } : {}),
        ...(config.l1 || config.l2 ? { penalty: l1l2({ l1: config.l1 ?? 0, l2: config.l2 ?? 0 }) } : {}),
        ...(config.confidencePenalty ? { confidencePenalty: config.confidencePenalty } : {}),
        ...(config.clipNorm ? { clipNorm: config.clipNorm } : {}),
        ...(pipeline ? { augment: pipeline } : {}),
      });
      model.dispose();
      data.train.dispose();
      data.test.dispose();

      const every = Math.max(1, Math.round(result.points.length / 12));
      out.table(
        ['learning rate', 'loss', 'smoothed loss'],
        result.points
          .filter((_, i) => i % every === 0 || i === result.points.length - 1)
          .map((p) => [num(p.learningRate, 3), num(p.loss), num(p.smoothedLoss)]),
      );
      out.line(
        out.color.bold(
          `suggested learning rate: ${num(result.suggested, 2)} (steepest fall of the smoothed loss)`,
        ),
      );
      out.line(
        `lowest smoothed loss ${num(result.minimum.smoothedLoss)} at ${num(result.minimum.learningRate, 2)} (a tenth of it, the other rule of thumb: ${num(result.minimum.learningRate / 10, 2)})`,
      );
      if (result.diverged)
        out.line(
          `the loss blew up at ${num(result.points.at(-1)?.learningRate, 2)}: the sweep stopped there`,
        );
      mkdirSync(config.out, { recursive: true });
      const svg = await writeSvg(
        lineChart({
          title: `learning-rate range test (suggested ${num(result.suggested, 2)})`,
          xTitle: 'learning rate',
          yTitle: 'loss',
          logX: true,
          series: [
            { name: 'batch loss', points: result.points.map((p) => ({ x: p.learningRate, y: p.loss })) },
            {
              name: 'smoothed',
              points: result.points.map((p) => ({ x: p.learningRate, y: p.smoothedLoss })),
            },
          ],
        }),
        path.join(config.out, 'lr-find.svg'),
      );
      const json = path.join(config.out, 'lr-find.json');
      writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
      out.line(
        `train with: gradwell train --lr ${num(result.suggested, 2)} (and the same model and data flags; with --lr-schedule one-cycle it is the peak)`,
      );
      out.line(`files: ${svg}, ${json}`);
      out.result({ ...result, files: [svg, json] });
    });
}
