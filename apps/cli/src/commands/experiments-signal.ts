/** The experiments on signal and gradient scale: init figures, depth, activations, dying ReLU, He's proof. */
import {
  activationsExperiment,
  depthExperiment,
  dyingReluExperiment,
  heProofExperiment,
  initExperiment,
} from '@gradwell/trainer';
import { num, percent } from '../output';
import { barChart, histogramGrid, lineChart } from '../plots';

import { withMnist, type Experiment } from './experiment-context';

export const SIGNAL_EXPERIMENTS: Record<string, Experiment> = {
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
