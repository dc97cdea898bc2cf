/**
 * `gradwell evaluate <model>`: a trained classifier on a dataset's test (or training) split — accuracy,
 * loss, per-class precision / recall / F1, the confusion matrix, the classes it mixes up most and the
 * wrong predictions it was surest of. Pointed at a run or checkpoint folder it takes the dataset, its size,
 * image size, seed and plugins from the run's config.json, so the test set is the one the run reported on;
 * flags override them.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { encodePng } from '@gradwell/augment/node';
import { GradwellArgumentError, setupBackend } from '@gradwell/core';
import {
  calibration,
  confidentMistakes,
  confusionMatrix,
  endsInSoftmax,
  mostConfused,
  type ClassificationReport,
  type Mistake,
  type TensorDataset,
} from '@gradwell/trainer';
import { checkOutFolder, CliError } from '../errors';
import { contactSheet } from '../contact-sheet';
import { loadData } from '../data';
import { findModelJson, loadModelPlugins, readModel, runConfigOf } from '../model-source';
import { createOutput } from '../output';
import { addPluginOption } from '../plugins';
import { choice, integer, number, text } from './option-values';
import { temperatureOnHalves, temperatureOnValidation } from './evaluate-calibration';
import { printReport, writeReport, type EvaluationResult } from './evaluate-report';
import { TRAIN_OPTIONS } from './train-config';

interface EvaluateFlags {
  dataset?: string;
  dataDir?: string;
  imageSize?: string;
  limit?: string;
  seed?: string;
  split?: string;
  batchSize?: string;
  mistakes?: string;
  fitTemperature?: boolean;
  temperature?: string;
  plugin?: string[];
  out?: string;
  json?: boolean;
}

export function evaluateCommand(): Command {
  return addPluginOption(new Command('evaluate'))
    .description(
      "a trained classifier on a dataset's test split: accuracy, loss, per-class precision/recall/F1, the confusion matrix, the surest mistakes",
    )
    .argument('<model>', 'a gradwell train --out folder, a --checkpoint-dir folder, or a model.json')
    .option(
      '--dataset <name|folder>',
      "mnist | fashion-mnist | spirals | a folder (default: the run's, else mnist)",
    )
    .option('--data-dir <folder>', 'where fashion-mnist idx files are')
    .option('--image-size <n>', "a folder dataset's image side (default: the model's input)")
    .option('--limit <n>', "training examples the run used (the test split follows it; default: the run's)")
    .option('--seed <n>', "the seed of a folder's or spirals' split (default: the run's, else 1)")
    .option('--split <test|train>', 'which split to evaluate (default: test)')
    .option('--batch-size <n>', 'examples per inference batch (default: 256)')
    .option('--mistakes <n>', 'list the n wrong predictions the model was surest of; 0: none (default: 8)')
    .option('--temperature <T>', 'the calibration figures with the logits divided by T (default: 1)')
    .option(
      '--fit-temperature',
      'fit temperature scaling on a seeded half of the split and score it on the other half (for predict --temperature)',
    )
    .option(
      '--out <folder>',
      'also write report.json, confusion.csv, confusion.svg, reliability.svg and mistakes.png (the mistakes, tiled) there',
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (source: string, flags: EvaluateFlags) => {
      const out = createOutput({ json: flags.json });
      const split = choice(['test', 'train'] as const)(flags.split ?? 'test', '--split');
      const batchSize = integer(1)(flags.batchSize ?? 256, '--batch-size');
      const mistakeCount = integer(0)(flags.mistakes ?? 8, '--mistakes');
      const temperature = number({ min: 0, minInclusive: false })(flags.temperature ?? 1, '--temperature');
      if (flags.out !== undefined) checkOutFolder(path.resolve(flags.out), 'the report files');
      const modelJson = await findModelJson(source, 'evaluate');
      const run = runConfigOf(modelJson, (text) => out.warn(text));
      // a flag, else the run's value (read as a flag would be), else the default
      const pick = <T>(
        key: string,
        name: string,
        read: (v: unknown, n: string) => T,
        given?: string,
      ): T | undefined =>
        given !== undefined
          ? read(given, name)
          : run?.config[key] !== undefined
            ? read(run.config[key], `${run.file}: ${key}`)
            : undefined;
      await loadModelPlugins(flags.plugin, run); // given, else the run's
      await setupBackend();
      const { model, file } = await readModel(source, 'evaluate');
      try {
        const inputShape = model.getConfig().inputShape as number[];
        const classes = model.computeOutputShape(inputShape).at(-1) as number;
        if (classes < 2)
          throw new CliError(
            `evaluate: the model has ${classes} output; evaluate needs a classifier with one output per class`,
            'give a model whose last layer has one unit per class',
            2,
          );
        const seedDefault = TRAIN_OPTIONS.find((o) => o.key === 'seed')?.default as number;
        const options = {
          dataset: pick('dataset', '--dataset', text, flags.dataset) ?? 'mnist',
          dataDir: pick('dataDir', '--data-dir', text, flags.dataDir),
          limit: pick('limit', '--limit', integer(1), flags.limit),
          imageSize:
            pick('imageSize', '--image-size', integer(1), flags.imageSize) ??
            (inputShape.length === 3 ? inputShape[0] : 28),
          seed: pick('seed', '--seed', integer(0), flags.seed) ?? seedDefault,
          flat: inputShape.length === 1,
        };
        const data = loadData(options);
        const set = split === 'test' ? data.test : data.train;
        try {
          const names = Array.from({ length: classes }, (_, i) => data.classNames?.[i] ?? String(i));
          let report: ClassificationReport;
          try {
            report = await confusionMatrix(model, set, { batchSize });
          } catch (error) {
            if (error instanceof GradwellArgumentError && error.argument === 'data')
              throw new CliError(
                `evaluate: ${data.name} does not fit the model: ${error.message.replace(/^confusionMatrix: /, '')}`,
                'pass the --dataset (and --image-size) the model was trained on',
                2,
              );
            throw error;
          }
          const fromLogits = !endsInSoftmax(model);
          const mistakes =
            mistakeCount === 0 ? [] : await confidentMistakes(model, set, { count: mistakeCount, batchSize });
          const calibrated = await calibration(model, set, { batchSize, fromLogits, temperature });
          // the loss is the cross-entropy, the NLL at T = 1: no pass of its own
          const asTrained =
            temperature === 1 ? calibrated : await calibration(model, set, { batchSize, fromLogits });
          // the run's validation split, when it held one out of the training set, is where T belongs
          const validated =
            split === 'test' &&
            (run?.config.earlyStopping !== undefined || run?.config.lrSchedule === 'plateau');
          const fit = { seed: options.seed, batchSize, fromLogits };
          const fitted =
            flags.fitTemperature !== true
              ? null
              : validated
                ? await temperatureOnValidation(model, data.train, set, fit)
                : await temperatureOnHalves(model, set, fit);
          const result: EvaluationResult = {
            model: file,
            dataset: data.name,
            split,
            dataFrom: run?.file ?? null,
            examples: report.examples,
            accuracy: report.accuracy,
            loss: asTrained.nll,
            macro: report.macro,
            calibration: {
              temperature,
              ece: calibrated.ece,
              mce: calibrated.mce,
              nll: calibrated.nll,
              brier: calibrated.brier,
              meanConfidence: calibrated.meanConfidence,
              bins: calibrated.bins,
            },
            temperature: fitted,
            classNames: names,
            perClass: report.perClass.map((figures, i) => ({ class: names[i] as string, ...figures })),
            matrix: report.matrix,
            mostConfused: mostConfused(report.matrix).map((c) => ({
              ...c,
              label: names[c.label] as string,
              predicted: names[c.predicted] as string,
            })),
            mistakes: mistakes.map((m) => ({
              ...m,
              labelName: names[m.label] as string,
              predictedName: names[m.predicted] as string,
            })),
          };
          const files =
            flags.out === undefined
              ? []
              : await writeReport(path.resolve(flags.out), result, mistakesSheet(set, mistakes));
          printReport(out, result, files);
          out.result({ ...result, files });
        } finally {
          data.train.dispose();
          data.test.dispose();
        }
      } finally {
        model.dispose();
      }
    });
}

/** The mistakes' images tiled in their order, 8 to a row, as PNG bytes; none when examples are not images. */
function mistakesSheet(set: TensorDataset, mistakes: Mistake[]): Uint8Array | undefined {
  const [h, w, c] = set.inputShape;
  if (mistakes.length === 0 || set.inputShape.length !== 3 || (c !== 1 && c !== 3)) return undefined;
  const { x, y } = set.batch(Int32Array.from(mistakes, (m) => m.index));
  const sheet = contactSheet(x as tf.Tensor4D, {
    columns: 8,
    scale: Math.max(1, Math.floor(96 / Math.max(h as number, w as number))),
    gutter: 2,
  });
  tf.dispose([x, y]);
  try {
    return encodePng(sheet);
  } finally {
    sheet.dispose();
  }
}
