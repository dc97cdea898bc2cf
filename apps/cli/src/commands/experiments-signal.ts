/** The experiments on signal and gradient scale: init figures, depth, activations, dying ReLU, He's proof. */
import {
  activationsExperiment,
  DEFAULT_COMPARED_ACTIVATIONS,
  depthExperiment,
  dyingReluExperiment,
  heProofExperiment,
  initExperiment,
  type InitRun,
} from '@gradwell/trainer';
import { num, percent } from '../output';
import { barChart, histogramGrid, lineChart } from '../plots';
import { defineExperiment, withMnist, type ExperimentDefinition } from './experiment-context';

/** Histograms of every third layer (and the last) of each scheme, one row per scheme. */
function initHistograms(runs: InitRun[], activation: string) {
  return histogramGrid({
    title: `${activation}: activation histograms per layer at initialisation`,
    xTitle: 'activation',
    panels: runs
      .filter((run) => run.activation === activation)
      .flatMap((run) =>
        run.layers
          .filter((_, index) => index % 3 === 0 || index === run.layers.length - 1)
          .map((layer) => ({
            row: run.scheme,
            column: layer.layer,
            bins: layer.histogram.counts.map(
              (count, bin) =>
                [layer.histogram.edges[bin]!, layer.histogram.edges[bin + 1]!, count] as [
                  number,
                  number,
                  number,
                ],
            ),
          })),
      ),
  });
}

const init = defineExperiment({
  description:
    'activation histograms per layer for too-small / too-big / Xavier / He weights, with tanh and ReLU',
  ownInputs: true,
  run: (context) =>
    initExperiment({
      depth: 10,
      width: context.quick ? 200 : 500,
      examples: context.quick ? 300 : 1000,
      seed: context.seed,
    }),
  present: (runs) => ({
    table: {
      head: ['activation', 'scheme', ...runs[0]!.layers.map((_, index) => `std L${index + 1}`)],
      rows: runs.map((run) => [run.activation, run.scheme, ...run.layers.map((layer) => num(layer.std, 3))]),
    },
    charts: ['tanh', 'relu'].map((activation) => ({
      file: `init-${activation}.svg`,
      spec: initHistograms(runs, activation),
    })),
  }),
});

const depth = defineExperiment({
  description: 'He vs Xavier on a 30-layer ReLU MLP (He et al. 2015, Fig. 3): He trains, Xavier stalls',
  run: (context) =>
    withMnist({ train: context.limit ?? (context.quick ? 2000 : 10000), flat: true }, (data) =>
      depthExperiment(data, { epochs: context.quick ? 5 : 3, seed: context.seed }),
    ),
  present: (result) => ({
    table: {
      head: ['init', 'final loss', 'test accuracy'],
      rows: [
        ['He', num(result.he.finalLoss), percent(result.he.testAccuracy)],
        ['Xavier', num(result.xavier.finalLoss), percent(result.xavier.testAccuracy)],
      ],
    },
    charts: [
      {
        file: 'depth.svg',
        spec: lineChart({
          title: `${result.depth}-layer ReLU MLP: training loss`,
          xTitle: 'step',
          yTitle: 'loss',
          series: [
            { name: 'He', points: result.he.curve.map((point) => ({ x: point.step, y: point.loss })) },
            {
              name: 'Xavier',
              points: result.xavier.curve.map((point) => ({ x: point.step, y: point.loss })),
            },
          ],
        }),
      },
    ],
  }),
});

const activations = defineExperiment({
  description: 'the same MLP trained with each activation: accuracy, time, dead fraction',
  run: (context) =>
    withMnist({ train: context.limit ?? (context.quick ? 2000 : 10000), flat: true }, (data) =>
      activationsExperiment(data, {
        activations: [...DEFAULT_COMPARED_ACTIVATIONS, ...context.plugins],
        epochs: context.quick ? 1 : 2,
        seed: context.seed,
        ...(context.quick ? { hidden: [64] } : {}),
      }),
    ),
  present: (runs) => ({
    table: {
      head: ['activation', 'init', 'test accuracy', 'seconds', 'dead (layer 1)', 'saturated (layer 1)'],
      rows: runs.map((run) => [
        run.activation,
        run.initializer,
        percent(run.testAccuracy),
        run.seconds.toFixed(1),
        percent(run.deadFraction, 1),
        percent(run.saturationFraction, 1),
      ]),
    },
    charts: [
      {
        file: 'activations.svg',
        spec: barChart({
          title: 'test accuracy by activation',
          yTitle: 'accuracy',
          values: runs.map((run) => ({ group: run.activation, series: 'accuracy', y: run.testAccuracy })),
        }),
      },
    ],
  }),
});

const dyingRelu = defineExperiment({
  description: 'too large a learning rate kills ReLUs for good; leaky ReLU does not die',
  run: (context) =>
    withMnist({ train: context.limit ?? (context.quick ? 2000 : 10000), flat: true }, (data) =>
      dyingReluExperiment(data, {
        epochs: 3,
        batchSize: 32,
        seed: context.seed,
        ...(context.quick ? { hidden: [128, 128] } : {}),
      }),
    ),
  present: (runs) => ({
    table: {
      head: ['activation', 'learning rate', 'inactive units by epoch', 'test accuracy'],
      rows: runs.map((run) => [
        run.activation,
        run.learningRate,
        run.diverged ? 'diverged (NaN loss)' : run.deadByEpoch.map((share) => percent(share, 1)).join(' → '),
        run.diverged ? '—' : percent(run.testAccuracy),
      ]),
    },
    charts: [
      {
        file: 'dying-relu.svg',
        spec: lineChart({
          title: 'share of hidden units never active',
          xTitle: 'epoch',
          yTitle: 'inactive share',
          series: runs.map((run) => ({
            name: `${run.activation} η=${run.learningRate}`,
            points: run.deadByEpoch.map((share, epoch) => ({ x: epoch + 1, y: share })),
          })),
        }),
      },
    ],
  }),
});

const heProof = defineExperiment({
  description: "Var[y_L]/Var[y_1] measured against He's ∏ ½·n_l·Var[w_l]",
  ownInputs: true,
  run(context) {
    const examples = context.quick ? 2000 : 8000;
    return {
      he: heProofExperiment({ depth: 10, width: 256, examples, seed: context.seed }),
      mixed: heProofExperiment({
        depth: 10,
        width: 256,
        examples,
        varianceScales: [1, 0.5, 2, 0.8, 1.5],
        seed: context.seed,
      }),
    };
  },
  present: ({ he, mixed }) => ({
    table: {
      head: ['layer', 'He: measured', 'He: predicted', 'mixed: measured', 'mixed: predicted'],
      rows: he.map((layer, index) => [
        layer.layer,
        num(layer.measured, 3),
        num(layer.predicted, 3),
        num(mixed[index]!.measured, 3),
        num(mixed[index]!.predicted, 3),
      ]),
    },
    charts: [
      {
        file: 'he-proof.svg',
        spec: lineChart({
          title: 'Var[y_l]/Var[y_1]: measured vs ∏ ½·n·Var[w]',
          xTitle: 'layer',
          yTitle: 'ratio',
          logY: true,
          series: [
            { name: 'He measured', points: he.map((layer) => ({ x: layer.layer, y: layer.measured })) },
            { name: 'He predicted', points: he.map((layer) => ({ x: layer.layer, y: layer.predicted })) },
            { name: 'mixed measured', points: mixed.map((layer) => ({ x: layer.layer, y: layer.measured })) },
            {
              name: 'mixed predicted',
              points: mixed.map((layer) => ({ x: layer.layer, y: layer.predicted })),
            },
          ],
        }),
      },
    ],
  }),
});

export const SIGNAL_EXPERIMENTS: Record<string, ExperimentDefinition> = {
  init,
  depth,
  activations,
  'dying-relu': dyingRelu,
  'he-proof': heProof,
};
