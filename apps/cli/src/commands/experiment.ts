/**
 * `gradwell experiment <name>`: the lecture's studies, one command each — a table on the terminal, SVG
 * plots and results.json in --out. The experiments themselves live in @gradwell/trainer (and batchnorm),
 * shared with the web app.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { compareBatchNormOnMlp } from '@gradwell/batchnorm';
import {
  activationsExperiment,
  depthExperiment,
  dropoutExperiment,
  dyingReluExperiment,
  earlyStoppingExperiment,
  heProofExperiment,
  initExperiment,
  inputScaleExperiment,
  labelSmoothingExperiment,
  type ExperimentData,
} from '@gradwell/trainer';
import { loadMnist } from '@gradwell/trainer/node';
import type { TopLevelSpec } from 'vega-lite';
import { CliError, numberFlag } from '../errors';
import { createOutput, num, percent, type Output } from '../output';
import { barChart, histogramGrid, lineChart, writeSvg } from '../plots';

interface Context {
  out: Output;
  seed: number;
  quick: boolean;
  /** Training examples (defaults per experiment; --limit overrides). */
  limit: number | undefined;
  plots: Array<{ name: string; spec: TopLevelSpec }>;
}

type Experiment = {
  description: string;
  run(context: Context): unknown;
};

function mnist(limit: number, flat: boolean, testLimit = 1000): ExperimentData {
  return { train: loadMnist('train', { limit, flat }), test: loadMnist('test', { limit: testLimit, flat }) };
}

/** Loads MNIST subsets for `fn` and frees them afterwards, whatever happens. */
async function withMnist<T>(
  { train, test = 1000, flat }: { train: number; test?: number; flat: boolean },
  fn: (data: ExperimentData) => Promise<T> | T,
): Promise<T> {
  const data = mnist(train, flat, test);
  try {
    return await fn(data);
  } finally {
    data.train.dispose();
    data.test.dispose();
  }
}

const EXPERIMENTS: Record<string, Experiment> = {
  init: {
    description:
      'activation histograms per layer for too-small / too-big / Xavier / He weights, with tanh and ReLU',
    run(c) {
      const runs = initExperiment({
        depth: 10,
        width: c.quick ? 200 : 500,
        examples: c.quick ? 300 : 1000,
        seed: c.seed,
      });
      c.out.table(
        ['activation', 'scheme', ...runs[0]!.layers.map((_, i) => `std L${i + 1}`)],
        runs.map((r) => [r.activation, r.scheme, ...r.layers.map((l) => num(l.std, 3))]),
      );
      for (const activation of ['tanh', 'relu']) {
        c.plots.push({
          name: `init-${activation}.svg`,
          spec: histogramGrid({
            title: `${activation}: activation histograms per layer at initialisation`,
            xTitle: 'activation',
            panels: runs
              .filter((r) => r.activation === activation)
              .flatMap((r) =>
                r.layers
                  .filter((_, i) => i % 3 === 0 || i === r.layers.length - 1)
                  .map((l) => ({
                    row: r.scheme,
                    column: l.layer,
                    bins: l.histogram.counts.map(
                      (n, k) =>
                        [l.histogram.edges[k]!, l.histogram.edges[k + 1]!, n] as [number, number, number],
                    ),
                  })),
              ),
          }),
        });
      }
      return runs.map((r) => ({
        activation: r.activation,
        scheme: r.scheme,
        layers: r.layers.map(({ histogram: _h, ...rest }) => rest),
      }));
    },
  },
  depth: {
    description: 'He vs Xavier on a 30-layer ReLU MLP (He et al. 2015, Fig. 3): He trains, Xavier stalls',
    run: (c) =>
      withMnist({ train: c.limit ?? (c.quick ? 2000 : 10000), flat: true }, async (data) => {
        const r = await depthExperiment(data, { epochs: c.quick ? 5 : 3, seed: c.seed });
        c.out.table(
          ['init', 'final loss', 'test accuracy'],
          [
            ['He', num(r.he.finalLoss), percent(r.he.testAccuracy)],
            ['Xavier', num(r.xavier.finalLoss), percent(r.xavier.testAccuracy)],
          ],
        );
        c.plots.push({
          name: 'depth.svg',
          spec: lineChart({
            title: `${r.depth}-layer ReLU MLP: training loss`,
            xTitle: 'step',
            yTitle: 'loss',
            series: [
              { name: 'He', points: r.he.curve.map((p) => ({ x: p.step, y: p.loss })) },
              { name: 'Xavier', points: r.xavier.curve.map((p) => ({ x: p.step, y: p.loss })) },
            ],
          }),
        });
        return r;
      }),
  },
  activations: {
    description: 'the same MLP trained with each activation: accuracy, time, dead fraction',
    run: (c) =>
      withMnist({ train: c.limit ?? (c.quick ? 2000 : 10000), flat: true }, async (data) => {
        const runs = await activationsExperiment(data, {
          epochs: c.quick ? 1 : 2,
          seed: c.seed,
          ...(c.quick ? { hidden: [64] } : {}),
        });
        c.out.table(
          ['activation', 'init', 'test accuracy', 'seconds', 'dead (layer 1)', 'saturated (layer 1)'],
          runs.map((r) => [
            r.activation,
            r.initializer,
            percent(r.testAccuracy),
            r.seconds.toFixed(1),
            percent(r.deadFraction, 1),
            percent(r.saturationFraction, 1),
          ]),
        );
        c.plots.push({
          name: 'activations.svg',
          spec: barChart({
            title: 'test accuracy by activation',
            yTitle: 'accuracy',
            values: runs.map((r) => ({ group: r.activation, series: 'accuracy', y: r.testAccuracy })),
          }),
        });
        return runs;
      }),
  },
  'dying-relu': {
    description: 'too large a learning rate kills ReLUs for good; leaky ReLU does not die',
    run: (c) =>
      withMnist({ train: c.limit ?? (c.quick ? 2000 : 10000), flat: true }, async (data) => {
        const runs = await dyingReluExperiment(data, {
          epochs: 3,
          batchSize: 32,
          seed: c.seed,
          ...(c.quick ? { hidden: [128, 128] } : {}),
        });
        c.out.table(
          ['activation', 'learning rate', 'inactive units by epoch', 'test accuracy'],
          runs.map((r) => [
            r.activation,
            r.learningRate,
            r.diverged ? 'diverged (NaN loss)' : r.deadByEpoch.map((d) => percent(d, 1)).join(' → '),
            r.diverged ? '—' : percent(r.testAccuracy),
          ]),
        );
        c.plots.push({
          name: 'dying-relu.svg',
          spec: lineChart({
            title: 'share of hidden units never active',
            xTitle: 'epoch',
            yTitle: 'inactive share',
            series: runs.map((r) => ({
              name: `${r.activation} η=${r.learningRate}`,
              points: r.deadByEpoch.map((d, i) => ({ x: i + 1, y: d })),
            })),
          }),
        });
        return runs;
      }),
  },
  batchnorm: {
    description: 'with vs without batch normalisation (Ioffe & Szegedy 2015, Fig. 1 in small)',
    run: (c) =>
      withMnist(
        { train: c.limit ?? (c.quick ? 6000 : 60000), flat: true, test: c.quick ? 2000 : 10000 },
        (data) => {
          const r = compareBatchNormOnMlp(
            {
              trainImages: data.train.x as tf.Tensor2D,
              trainLabels: data.train.y as tf.Tensor1D,
              testImages: data.test.x as tf.Tensor2D,
              testLabels: data.test.y as tf.Tensor1D,
            },
            { steps: c.quick ? 400 : 5000, seed: c.seed },
          );
          c.out.table(
            ['', 'test accuracy'],
            [
              ['with BN', percent(r.withBatchNorm.testAccuracy)],
              ['without BN', percent(r.withoutBatchNorm.testAccuracy)],
            ],
          );
          c.plots.push({
            name: 'batchnorm.svg',
            spec: lineChart({
              title: '3×100 sigmoid MLP: test accuracy',
              xTitle: 'step',
              yTitle: 'accuracy',
              series: [
                {
                  name: 'with BN',
                  points: r.withBatchNorm.curve.map((p) => ({ x: p.step, y: p.testAccuracy })),
                },
                {
                  name: 'without BN',
                  points: r.withoutBatchNorm.curve.map((p) => ({ x: p.step, y: p.testAccuracy })),
                },
              ],
            }),
          });
          return r;
        },
      ),
  },
  dropout: {
    description: 'dropout vs none on a small training subset: the train/test gap',
    run: (c) =>
      withMnist({ train: c.limit ?? 1000, flat: true }, async (data) => {
        const r = await dropoutExperiment(data, { epochs: c.quick ? 10 : 40, seed: c.seed });
        c.out.table(
          ['', 'train accuracy', 'test accuracy', 'gap', 'test loss'],
          [
            [
              'dropout',
              percent(r.withDropout.trainAccuracy),
              percent(r.withDropout.testAccuracy),
              percent(r.withDropout.gap),
              num(r.withDropout.testLoss),
            ],
            [
              'none',
              percent(r.withoutDropout.trainAccuracy),
              percent(r.withoutDropout.testAccuracy),
              percent(r.withoutDropout.gap),
              num(r.withoutDropout.testLoss),
            ],
          ],
        );
        c.plots.push({
          name: 'dropout.svg',
          spec: barChart({
            title: 'dropout vs none',
            yTitle: 'accuracy',
            values: [
              { group: 'train', series: 'dropout', y: r.withDropout.trainAccuracy },
              { group: 'train', series: 'none', y: r.withoutDropout.trainAccuracy },
              { group: 'test', series: 'dropout', y: r.withDropout.testAccuracy },
              { group: 'test', series: 'none', y: r.withoutDropout.testAccuracy },
            ],
          }),
        });
        return r;
      }),
  },
  'label-smoothing': {
    description: 'label smoothing ε = 0.1 vs none: confidence and calibration at the same accuracy',
    run: (c) =>
      withMnist({ train: c.limit ?? (c.quick ? 2000 : 10000), flat: true }, async (data) => {
        const r = await labelSmoothingExperiment(data, { epochs: c.quick ? 4 : 8, seed: c.seed });
        c.out.table(
          ['', 'test accuracy', 'mean confidence', 'calibration error'],
          [
            [
              `ε = ${r.epsilon}`,
              percent(r.smoothed.testAccuracy),
              percent(r.smoothed.meanConfidence),
              num(r.smoothed.calibrationError, 3),
            ],
            [
              'none',
              percent(r.plain.testAccuracy),
              percent(r.plain.meanConfidence),
              num(r.plain.calibrationError, 3),
            ],
          ],
        );
        c.plots.push({
          name: 'label-smoothing.svg',
          spec: barChart({
            title: 'label smoothing',
            yTitle: 'value',
            values: [
              { group: 'accuracy', series: 'smoothed', y: r.smoothed.testAccuracy },
              { group: 'accuracy', series: 'none', y: r.plain.testAccuracy },
              { group: 'confidence', series: 'smoothed', y: r.smoothed.meanConfidence },
              { group: 'confidence', series: 'none', y: r.plain.meanConfidence },
            ],
          }),
        });
        return r;
      }),
  },
  'early-stopping': {
    description: 'early stopping with the best weights restored',
    run: (c) =>
      withMnist({ train: c.limit ?? 500, flat: true }, async (data) => {
        const r = await earlyStoppingExperiment(data, {
          maxEpochs: c.quick ? 20 : 40,
          patience: 2,
          seed: c.seed,
        });
        c.out.table(
          [
            'best epoch',
            'stopped at',
            'restored loss',
            'last epoch loss',
            `no stopping (${r.fullRun.epochs} epochs)`,
          ],
          [
            [
              r.bestEpoch + 1,
              r.stoppedEpoch + 1,
              num(r.restoredValLoss),
              num(r.lastValLoss),
              num(r.fullRun.valLoss),
            ],
          ],
        );
        c.plots.push({
          name: 'early-stopping.svg',
          spec: lineChart({
            title: 'validation loss (stopped run)',
            xTitle: 'epoch',
            yTitle: 'loss',
            series: [{ name: 'validation loss', points: r.valLoss.map((y, i) => ({ x: i + 1, y })) }],
          }),
        });
        return r;
      }),
  },
  'input-scale': {
    description: 'a CNN trained at 28×28 evaluated at rescale factors 1.1…10: confidence and top-3',
    run: (c) =>
      withMnist({ train: c.limit ?? (c.quick ? 2000 : 10000), flat: false, test: 500 }, async (data) => {
        const r = await inputScaleExperiment(data, {
          epochs: c.quick ? 2 : 3,
          examples: c.quick ? 200 : 500,
          seed: c.seed,
          ...(c.quick ? { factors: [1, 1.5, 3, 5] } : {}),
        });
        c.out.table(
          ['rescale', 'size', 'accuracy', 'top-3', 'confidence in the true class'],
          r.rows.map((row) => [
            `${row.factor}×`,
            `${row.size}×${row.size}`,
            percent(row.accuracy),
            percent(row.top3),
            percent(row.confidence),
          ]),
        );
        c.plots.push({
          name: 'input-scale.svg',
          spec: lineChart({
            title: 'trained at 28×28, evaluated rescaled',
            xTitle: 'rescale factor',
            yTitle: 'share',
            series: [
              { name: 'accuracy', points: r.rows.map((p) => ({ x: p.factor, y: p.accuracy })) },
              { name: 'top-3', points: r.rows.map((p) => ({ x: p.factor, y: p.top3 })) },
              { name: 'confidence', points: r.rows.map((p) => ({ x: p.factor, y: p.confidence })) },
            ],
          }),
        });
        return r;
      }),
  },
  'he-proof': {
    description: "Var[y_L]/Var[y_1] measured against He's ∏ ½·n_l·Var[w_l]",
    run(c) {
      const he = heProofExperiment({ depth: 10, width: 256, examples: c.quick ? 2000 : 8000, seed: c.seed });
      const mixed = heProofExperiment({
        depth: 10,
        width: 256,
        examples: c.quick ? 2000 : 8000,
        varianceScales: [1, 0.5, 2, 0.8, 1.5],
        seed: c.seed,
      });
      c.out.table(
        ['layer', 'He: measured', 'He: predicted', 'mixed: measured', 'mixed: predicted'],
        he.map((l, i) => [
          l.layer,
          num(l.measured, 3),
          num(l.predicted, 3),
          num(mixed[i]!.measured, 3),
          num(mixed[i]!.predicted, 3),
        ]),
      );
      c.plots.push({
        name: 'he-proof.svg',
        spec: lineChart({
          title: 'Var[y_l]/Var[y_1]: measured vs ∏ ½·n·Var[w]',
          xTitle: 'layer',
          yTitle: 'ratio',
          logY: true,
          series: [
            { name: 'He measured', points: he.map((l) => ({ x: l.layer, y: l.measured })) },
            { name: 'He predicted', points: he.map((l) => ({ x: l.layer, y: l.predicted })) },
            { name: 'mixed measured', points: mixed.map((l) => ({ x: l.layer, y: l.measured })) },
            { name: 'mixed predicted', points: mixed.map((l) => ({ x: l.layer, y: l.predicted })) },
          ],
        }),
      });
      return { he, mixed };
    },
  },
};

export const EXPERIMENT_NAMES = Object.keys(EXPERIMENTS);

export function experimentCommand(): Command {
  return new Command('experiment')
    .description(`run one of the lecture's studies: ${EXPERIMENT_NAMES.join(', ')}`)
    .argument('<name>', EXPERIMENT_NAMES.join(' | '))
    .option('--quick', 'smaller data and fewer epochs (a minute or so)')
    .option('--limit <n>', 'training examples to use')
    .option('--seed <n>', 'seed', '1')
    .option('--out <folder>', 'where the plots and results.json go', 'gradwell-experiments')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `\nexperiments:\n${EXPERIMENT_NAMES.map((n) => `  ${n.padEnd(16)} ${EXPERIMENTS[n]!.description}`).join('\n')}`,
    )
    .action(
      async (
        name: string,
        flags: { quick?: boolean; limit?: string; seed: string; out: string; json?: boolean },
      ) => {
        const experiment = EXPERIMENTS[name];
        if (experiment === undefined)
          throw new CliError(
            `unknown experiment '${name}'`,
            `choose one of ${EXPERIMENT_NAMES.join(', ')}`,
            2,
          );
        const out = createOutput({ json: flags.json });
        const context: Context = {
          out,
          seed: numberFlag('--seed', flags.seed, { min: 0, integer: true }) as number,
          quick: flags.quick === true,
          limit: numberFlag('--limit', flags.limit, { min: 10, integer: true }),
          plots: [],
        };
        await setupBackend();
        out.line(out.color.bold(`experiment ${name}: ${experiment.description}`));
        const before = tf.memory().numTensors;
        const results = await experiment.run(context);
        const dir = path.join(flags.out, name);
        mkdirSync(dir, { recursive: true });
        const files = [];
        for (const plot of context.plots) files.push(await writeSvg(plot.spec, path.join(dir, plot.name)));
        const resultsFile = path.join(dir, 'results.json');
        writeFileSync(resultsFile, JSON.stringify(results, null, 2));
        files.push(resultsFile);
        out.line(`files: ${files.join(', ')}`);
        out.result({ experiment: name, results, files, leakedTensors: tf.memory().numTensors - before });
      },
    );
}
