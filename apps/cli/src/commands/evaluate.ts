/**
 * `gradwell evaluate <model>`: a trained classifier on a dataset's test (or training) split — accuracy,
 * loss, per-class precision / recall / F1, the confusion matrix and the classes it mixes up most. Pointed at
 * a run or checkpoint folder it takes the dataset, its size, image size, seed and plugins from the run's
 * config.json, so the test set is the one the run reported on; flags override them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { GradwellArgumentError, setupBackend } from '@gradwell/core';
import {
  confusionMatrix,
  evaluate,
  softmaxCrossEntropy,
  type ClassificationReport,
  type Model,
} from '@gradwell/trainer';
import { checkOutFolder, CliError } from '../errors';
import { loadData } from '../data';
import { findModelJson, readModel } from '../model-source';
import { createOutput, num, percent, type Output } from '../output';
import { loadPlugins } from '../plugins';
import { confusionHeatmap, writeSvg } from '../plots';
import { choice, integer, list, text } from './option-values';
import { TRAIN_OPTIONS } from './train-config';

interface EvaluateFlags {
  dataset?: string;
  dataDir?: string;
  imageSize?: string;
  limit?: string;
  seed?: string;
  split?: string;
  batchSize?: string;
  plugin?: string;
  out?: string;
  json?: boolean;
}

/** The config.json of the `gradwell train` run that wrote the model (beside it or one folder up). */
function runConfigOf(
  modelJson: string,
  out: Output,
): { file: string; config: Record<string, unknown> } | undefined {
  for (const dir of [path.dirname(modelJson), path.dirname(path.dirname(modelJson))]) {
    const file = path.join(dir, 'config.json');
    if (!existsSync(file)) continue;
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      out.warn(`${path.relative(process.cwd(), file)} is not JSON (${(error as Error).message}); not used`);
      return undefined;
    }
    // Another tool's config.json is not a run's: a run's names its dataset and its epochs.
    const record = config as Record<string, unknown> | null;
    if (typeof record?.dataset === 'string' && typeof record.epochs === 'number')
      return { file, config: record };
  }
  return undefined;
}

/** Whether the model ends in a softmax (probabilities out) rather than logits. */
function endsInSoftmax(model: Model): boolean {
  const layers = model.getConfig().layers as Array<{
    config?: { activation?: { className?: string } | null };
  }>;
  return layers.at(-1)?.config?.activation?.className === 'softmax';
}

/** The off-diagonal cells with the most examples: which label the model takes for which. */
function mostConfused(report: ClassificationReport, names: string[], count = 5) {
  return report.matrix
    .flatMap((row, i) =>
      row.map((n, j) => ({ label: names[i] as string, predicted: names[j] as string, count: n, i, j })),
    )
    .filter((cell) => cell.i !== cell.j && cell.count > 0)
    .sort((a, b) => b.count - a.count || a.i - b.i || a.j - b.j)
    .slice(0, count)
    .map(({ label, predicted, count: n, i }) => ({
      label,
      predicted,
      count: n,
      ofLabel: n / (report.perClass[i]?.support as number), // ≥ n > 0: the cell is in its row
    }));
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description(
      "a trained classifier on a dataset's test split: accuracy, loss, per-class precision/recall/F1, the confusion matrix",
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
    .option('--split <test|train>', 'which split to evaluate', 'test')
    .option('--batch-size <n>', 'examples per inference batch', '256')
    .option('--plugin <files>', "activation plugins the model uses, comma-separated (default: the run's)")
    .option('--out <folder>', 'also write report.json, confusion.csv and confusion.svg there')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (source: string, flags: EvaluateFlags) => {
      const out = createOutput({ json: flags.json });
      const split = choice(['test', 'train'] as const)(flags.split, '--split');
      const batchSize = integer(1)(flags.batchSize, '--batch-size');
      if (flags.out !== undefined) checkOutFolder(path.resolve(flags.out), 'the report files');
      const modelJson = await findModelJson(source, 'evaluate');
      const run = runConfigOf(modelJson, out);
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
      const plugins = pick('plugin', '--plugin', list, flags.plugin) ?? [];
      await loadPlugins(plugins);
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
          const loss = (
            await evaluate(model, set, {
              batchSize,
              loss: softmaxCrossEntropy({ fromLogits: !endsInSoftmax(model) }),
            })
          ).loss;
          const confused = mostConfused(report, names);
          const result = {
            model: file,
            dataset: data.name,
            split,
            dataFrom: run?.file ?? null,
            examples: report.examples,
            accuracy: report.accuracy,
            loss,
            macro: report.macro,
            classNames: names,
            perClass: report.perClass.map((figures, i) => ({ class: names[i], ...figures })),
            matrix: report.matrix,
            mostConfused: confused,
          };
          const files = flags.out === undefined ? [] : await writeReport(path.resolve(flags.out), result);
          printReport(out, { ...result, file, confused, files });
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

interface Result {
  dataset: string;
  split: string;
  dataFrom: string | null;
  examples: number;
  accuracy: number;
  loss: number;
  macro: ClassificationReport['macro'];
  classNames: string[];
  perClass: Array<{ class: string | undefined } & ClassificationReport['perClass'][number]>;
  matrix: number[][];
}

async function writeReport(folder: string, result: Result): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const json = path.join(folder, 'report.json');
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const csv = path.join(folder, 'confusion.csv');
  writeFileSync(
    csv,
    stringify(
      result.matrix.map((row, i) => [result.classNames[i], ...row]),
      { header: true, columns: ['label \\ predicted', ...result.classNames] },
    ),
  );
  const svg = await writeSvg(
    confusionHeatmap(
      `${result.dataset} ${result.split}: accuracy ${percent(result.accuracy)}`,
      result.classNames,
      result.matrix,
    ),
    path.join(folder, 'confusion.svg'),
  );
  return [json, csv, svg];
}

function printReport(
  out: Output,
  r: Result & { file: string; confused: ReturnType<typeof mostConfused>; files: string[] },
): void {
  const c = out.color;
  out.line(
    c.bold(
      `gradwell evaluate — ${path.relative(process.cwd(), r.file)} on ${r.dataset} ${r.split} (${r.examples} examples)`,
    ),
  );
  if (r.dataFrom !== null) out.line(c.dim(`data options from ${path.relative(process.cwd(), r.dataFrom)}`));
  out.line(c.bold(`accuracy ${percent(r.accuracy)}  loss ${num(r.loss)}  macro F1 ${num(r.macro.f1)}`));
  out.table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    r.perClass.map((f) => [f.class ?? '', num(f.precision), num(f.recall), num(f.f1), f.support]),
  );
  if (r.classNames.length <= 20) {
    out.line('confusion matrix (rows: label, columns: predicted)');
    out.table(
      ['', ...r.classNames],
      r.matrix.map((row, i) => [r.classNames[i] ?? '', ...row]),
    );
  } else out.line(`confusion matrix: ${r.classNames.length} classes, in --json or --out`);
  if (r.confused.length > 0)
    out.line(
      `most confused: ${r.confused.map((m) => `${m.label} → ${m.predicted} ${m.count} (${percent(m.ofLabel, 1)} of ${m.label})`).join(', ')}`,
    );
  if (r.files.length > 0) {
    out.line(c.bold('files:'));
    for (const f of r.files) out.line(`  ${f}`);
  }
}
