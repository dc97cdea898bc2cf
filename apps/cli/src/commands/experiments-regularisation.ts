/** The experiments on regularisation, normalisation and inputs: batch norm, dropout, label smoothing, early stopping, input scale. */
import * as tf from '@tensorflow/tfjs-core';
import { smoothLabels } from '@gradwell/regularizers';
import {
  batchNormExperiment,
  dropoutExperiment,
  earlyStoppingExperiment,
  inputScaleExperiment,
  labelSmoothingExperiment,
} from '@gradwell/trainer';
import { num, percent } from '../output';
import { comparisonBars, lineChart } from '../plots';
import { defineExperiment, withMnist, type ExperimentDefinition } from './experiment-context';

const batchNorm = defineExperiment({
  description: 'with vs without batch normalisation (Ioffe & Szegedy 2015, Fig. 1 in small)',
  run: (context) =>
    withMnist(
      {
        train: context.limit ?? (context.quick ? 6000 : 60000),
        flat: true,
        test: context.quick ? 2000 : 10000,
      },
      (data) => batchNormExperiment(data, { steps: context.quick ? 400 : 5000, seed: context.seed }),
    ),
  present: (result) => {
    const runs = [
      { name: 'with BN', run: result.withBatchNorm },
      { name: 'without BN', run: result.withoutBatchNorm },
    ];
    return {
      table: {
        head: ['', 'test accuracy', 'last sigmoid input: 15th / 50th / 85th percentile'],
        rows: runs.map(({ name, run }) => [
          name,
          percent(run.testAccuracy),
          (run.curve.at(-1)?.percentiles ?? []).map((value) => num(value, 3)).join(' / '),
        ]),
      },
      charts: [
        {
          file: 'batchnorm.svg',
          spec: lineChart({
            title: '3×100 sigmoid MLP: test accuracy',
            xTitle: 'step',
            yTitle: 'accuracy',
            series: runs.map(({ name, run }) => ({
              name,
              points: run.curve.map((point) => ({ x: point.step, y: point.testAccuracy })),
            })),
          }),
        },
        {
          file: 'batchnorm-percentiles.svg',
          spec: lineChart({
            title: "one unit's input to the last sigmoid: 15/50/85th percentiles (Fig. 1b, c)",
            xTitle: 'step',
            yTitle: 'input',
            series: runs.flatMap(({ name, run }) =>
              ['15th', '50th', '85th'].map((label, k) => ({
                name: `${name} ${label}`,
                points: run.curve.map((point) => ({ x: point.step, y: point.percentiles[k] as number })),
              })),
            ),
          }),
        },
      ],
    };
  },
});

const dropout = defineExperiment({
  description: 'dropout vs none on a small training subset: the train/test gap',
  run: (context) =>
    withMnist({ train: context.limit ?? 1000, flat: true }, (data) =>
      dropoutExperiment(data, { epochs: context.quick ? 10 : 40, seed: context.seed }),
    ),
  present: (result) => {
    const runs = { dropout: result.withDropout, none: result.withoutDropout };
    return {
      table: {
        head: ['', 'train accuracy', 'test accuracy', 'gap', 'test loss'],
        rows: Object.entries(runs).map(([name, run]) => [
          name,
          percent(run.trainAccuracy),
          percent(run.testAccuracy),
          percent(run.gap),
          num(run.testLoss),
        ]),
      },
      charts: [
        {
          file: 'dropout.svg',
          spec: comparisonBars('dropout vs none', 'accuracy', {
            train: { dropout: runs.dropout.trainAccuracy, none: runs.none.trainAccuracy },
            test: { dropout: runs.dropout.testAccuracy, none: runs.none.testAccuracy },
          }),
        },
      ],
    };
  },
});

/** The lecture's worked example: ε = 0.04, four classes, [0, 0, 1, 0] → [0.01, 0.01, 0.97, 0.01]. */
function lectureSmoothingExample(): string[] {
  const smoothed = tf.tidy(() => Array.from(smoothLabels(tf.tensor2d([[0, 0, 1, 0]]), 0.04).dataSync()));
  const format = (values: number[]) => `[${values.map((value) => Number(value.toFixed(4))).join(', ')}]`;
  return [
    "the lecture's example: ŷ = (1 − ε)·y + ε·u with ε = 0.04, u = [0.25, 0.25, 0.25, 0.25]",
    `  y = [0, 0, 1, 0]  →  ŷ = ${format(smoothed)}`,
  ];
}

const labelSmoothing = defineExperiment({
  description: 'label smoothing ε = 0.1 vs none: confidence and calibration at the same accuracy',
  before: lectureSmoothingExample,
  run: (context) =>
    withMnist({ train: context.limit ?? (context.quick ? 2000 : 10000), flat: true }, (data) =>
      labelSmoothingExperiment(data, { epochs: context.quick ? 4 : 8, seed: context.seed }),
    ),
  present: (result) => {
    const runs = { [`ε = ${result.epsilon}`]: result.smoothed, none: result.plain };
    return {
      table: {
        head: ['', 'test accuracy', 'mean confidence', 'calibration error', 'test NLL'],
        rows: Object.entries(runs).map(([name, run]) => [
          name,
          percent(run.testAccuracy),
          percent(run.meanConfidence),
          num(run.calibrationError, 3),
          num(run.nll),
        ]),
      },
      charts: [
        {
          file: 'label-smoothing.svg',
          spec: comparisonBars('label smoothing', 'value', {
            accuracy: { smoothed: result.smoothed.testAccuracy, none: result.plain.testAccuracy },
            confidence: { smoothed: result.smoothed.meanConfidence, none: result.plain.meanConfidence },
          }),
        },
        {
          // a reliability diagram: on the diagonal, a bin's confidence is its accuracy
          file: 'label-smoothing-reliability.svg',
          spec: lineChart({
            title: 'reliability: accuracy against confidence (test set, 15 bins)',
            xTitle: 'mean confidence in the bin',
            yTitle: 'accuracy in the bin',
            series: [
              ...Object.entries(runs).map(([name, run]) => ({
                name,
                points: run.reliability
                  .filter((b) => b.count > 0)
                  .map((b) => ({ x: b.confidence as number, y: b.accuracy as number })),
              })),
              { name: 'calibrated', points: [0, 1].map((v) => ({ x: v, y: v })) },
            ],
          }),
        },
      ],
    };
  },
});

const earlyStopping = defineExperiment({
  description: 'early stopping with the best weights restored',
  run: (context) =>
    withMnist({ train: context.limit ?? 500, flat: true }, (data) =>
      earlyStoppingExperiment(data, { maxEpochs: context.quick ? 20 : 40, patience: 2, seed: context.seed }),
    ),
  present: (result) => ({
    table: {
      head: [
        'best epoch',
        'stopped at',
        'restored loss',
        'last epoch loss',
        `no stopping (${result.fullRun.epochs} epochs)`,
      ],
      rows: [
        [
          result.bestEpoch + 1,
          result.stoppedEpoch + 1,
          num(result.restoredValLoss),
          num(result.lastValLoss),
          num(result.fullRun.valLoss),
        ],
      ],
    },
    charts: [
      {
        file: 'early-stopping.svg',
        spec: lineChart({
          title: 'validation loss (stopped run)',
          xTitle: 'epoch',
          yTitle: 'loss',
          series: [
            {
              name: 'validation loss',
              points: result.valLoss.map((loss, epoch) => ({ x: epoch + 1, y: loss })),
            },
          ],
        }),
      },
    ],
  }),
});

const inputScale = defineExperiment({
  description: 'a CNN trained at 28×28 evaluated at rescale factors 1.1…10: confidence and top-3',
  run: (context) =>
    withMnist({ train: context.limit ?? (context.quick ? 2000 : 10000), flat: false, test: 500 }, (data) =>
      inputScaleExperiment(data, {
        epochs: context.quick ? 2 : 3,
        examples: context.quick ? 200 : 500,
        seed: context.seed,
        ...(context.quick ? { factors: [1, 1.5, 3, 5] } : {}),
      }),
    ),
  present: (result) => ({
    table: {
      head: ['rescale', 'size', 'accuracy', 'top-3', 'confidence in the true class'],
      rows: result.rows.map((row) => [
        `${row.factor}×`,
        `${row.size}×${row.size}`,
        percent(row.accuracy),
        percent(row.top3),
        percent(row.confidence),
      ]),
    },
    charts: [
      {
        file: 'input-scale.svg',
        spec: lineChart({
          title: 'trained at 28×28, evaluated rescaled',
          xTitle: 'rescale factor',
          yTitle: 'share',
          series: (['accuracy', 'top3', 'confidence'] as const).map((metric) => ({
            name: metric === 'top3' ? 'top-3' : metric,
            points: result.rows.map((row) => ({ x: row.factor, y: row[metric] })),
          })),
        }),
      },
    ],
  }),
});

export const REGULARISATION_EXPERIMENTS: Record<string, ExperimentDefinition> = {
  batchnorm: batchNorm,
  dropout,
  'label-smoothing': labelSmoothing,
  'early-stopping': earlyStopping,
  'input-scale': inputScale,
};
