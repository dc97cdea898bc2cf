/** The experiments on regularisation, normalisation and inputs: batch norm, dropout, label smoothing, early stopping, input scale. */
import type * as tf from '@tensorflow/tfjs-core';
import { compareBatchNormOnMlp } from '@gradwell/batchnorm';
import {
  dropoutExperiment,
  earlyStoppingExperiment,
  inputScaleExperiment,
  labelSmoothingExperiment,
} from '@gradwell/trainer';
import { num, percent } from '../output';
import { barChart, lineChart } from '../plots';

import { withMnist, type Experiment } from './experiment-context';

export const REGULARISATION_EXPERIMENTS: Record<string, Experiment> = {
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
};
