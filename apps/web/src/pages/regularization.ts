/**
 * Regularisation and batch norm. Train a small MNIST MLP (in the training worker) with dropout, label
 * smoothing, batch norm and early stopping; every run stays on the charts, named by its recipe, to compare
 * with and without. The smoothed targets of a digit on a log axis (so ε/K shows), and Ioffe & Szegedy's
 * Figure 1 from the trainer's batch-norm study: test accuracy and the 15/50/85th percentiles of a unit's
 * input to its sigmoid over training, with and without batch norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Chart } from 'chart.js';
import { smoothLabels } from '@gradwell/regularizers';
import type { BatchNormRun } from '@gradwell/trainer';
import { barChart, chartBox, color, lineChart, setSeries, type Series } from '../charts';
import { RunBoard } from '../runs';
import { checkbox, checkedInteger, range, section, setStatus } from '../state';
import { trainingWorker, trainInWorker } from '../worker/client';
import type { Recipe } from '../worker/protocol';

const WITH_BN = color(2);
const WITHOUT_BN = color(1);

function percentileBand(run: BatchNormRun, name: string, hue: string): Series[] {
  const at = (k: 0 | 1 | 2) => run.curve.map((p) => ({ x: p.step, y: p.percentiles[k] }));
  return [
    { label: `${name}: 15th percentile`, points: at(0), color: hue, width: 1, pointRadius: 0 },
    { label: `${name}: 85th percentile`, points: at(2), color: hue, width: 1, pointRadius: 0, fill: '-1' },
    { label: `${name}: median`, points: at(1), color: hue, width: 2.5 },
  ];
}

export function mountRegularization(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Regularisation and batch normalisation</h2>
     <p class="lead">An MLP (784-128-64-10) on a small MNIST training set — small enough to overfit — validated on 1 000 digits.
     Train, change one thing, train again: the runs stay on the charts to compare. Early stopping watches the validation loss
     and restores the best epoch's weights.</p>`,
  );
  const controls = section(root, 'controls');
  const dropout = range(controls, 'dropout', 'dropout', 0, 0.7, 0.05, 0);
  const smoothing = range(controls, 'label smoothing ε', 'smoothing', 0, 0.3, 0.05, 0);
  const bn = checkbox(controls, 'batch norm', 'bn');
  const patience = checkedInteger(controls, 'early stopping patience (0 = off)', 'patience', 2, [0, 20]);
  const epochs = checkedInteger(controls, 'epochs', 'epochs', 20, [1, 60]);
  const digits = checkedInteger(controls, 'training digits', 'digits', 1000, [100, 12000]);
  const start = document.createElement('button');
  start.id = 'train';
  start.textContent = 'train';
  controls.append(start);
  const status = section(root, 'status');
  status.id = 'status';
  status.setAttribute('aria-live', 'polite');
  const board = new RunBoard(root, 'reg');
  let training = false;

  // The smoothed targets, on a log axis so that ε/K (0.01 for ε = 0.1) is as visible as 1 − ε.
  root.insertAdjacentHTML('beforeend', '<h3>Label smoothing: the targets of a 3</h3>');
  const targetBox = section(root, 'charts');
  let targets: Chart<'bar'> | undefined;
  function drawTargets(): void {
    targets?.destroy();
    targetBox.replaceChildren();
    const epsilon = Number(smoothing.value);
    const values = tf.tidy(() =>
      Array.from(smoothLabels(tf.oneHot(tf.tensor1d([3], 'int32'), 10), epsilon).dataSync()),
    );
    targets = barChart(
      chartBox(targetBox, 'targets', 'wide'),
      `ε = ${epsilon}: the true class gets ${Number(values[3]!.toFixed(4))}, every other ${Number(values[0]!.toFixed(4))} (log axis)`,
      Array.from({ length: 10 }, (_, i) => String(i)),
      [{ label: 'target probability', data: values.map((v) => Math.max(v, 1e-4)), color: color(0) }],
      'class',
      { title: 'target probability (log)', log: true, min: 1e-4, max: 1 },
    );
    setStatus({ targets: values });
  }

  function recipe(): Recipe | undefined {
    const p = patience.read();
    const e = epochs.read();
    const n = digits.read();
    start.disabled = training || p === undefined || e === undefined || n === undefined;
    if (p === undefined || e === undefined || n === undefined) return undefined;
    return {
      architecture: 'mlp',
      hidden: [128, 64],
      activation: 'relu',
      batchNorm: bn.checked,
      preciseBn: false,
      weightNorm: false,
      dropout: Number(dropout.value),
      labelSmoothing: Number(smoothing.value),
      augment: false,
      averaging: 'none',
      optimizer: 'adam',
      learningRate: 0.001,
      epochs: e,
      batchSize: 64,
      trainExamples: n,
      validationExamples: 1000,
      ...(p > 0 ? { earlyStopping: p } : {}),
      seed: 1,
      diagnostics: false,
    };
  }

  async function train(): Promise<void> {
    const r = recipe();
    if (r === undefined) return;
    training = true;
    setStatus({ error: undefined });
    start.disabled = true;
    const name = [
      bn.checked ? 'BN' : 'no BN',
      `dropout ${r.dropout}`,
      `ε ${r.labelSmoothing}`,
      r.earlyStopping ? `early stopping (${r.earlyStopping})` : 'no early stopping',
      `${r.trainExamples} digits`,
    ].join(' · ');
    const handle = board.begin(name);
    status.textContent = 'training in the worker…';
    try {
      const outcome = await trainInWorker(r, {
        started: () => {},
        initial: ({ valLoss, valAccuracy }) => handle.initial(valLoss, valAccuracy),
        progress: (x, loss) => handle.progress(x, loss),
        epoch: (epoch, logs) => {
          handle.epoch(epoch, logs);
          status.textContent = `epoch ${epoch + 1}: validation loss ${(logs.valLoss ?? 0).toFixed(3)}, accuracy ${((logs.valAccuracy ?? 0) * 100).toFixed(1)}%`;
        },
        diagnostics: () => {},
      });
      const early = outcome.earlyStopping;
      const stopped =
        early === undefined
          ? ''
          : early.fired
            ? ` — early stopping: no better validation loss for ${r.earlyStopping} epochs, stopped after epoch ${early.stoppedAfter} and restored epoch ${early.bestEpoch}`
            : ` — early stopping did not fire (best epoch ${early.bestEpoch} of ${early.stoppedAfter})`;
      const summary = `validation accuracy ${(outcome.valAccuracy * 100).toFixed(1)}%, loss ${outcome.valLoss.toFixed(3)}${stopped}`;
      handle.finish(summary, early?.bestEpoch);
      status.textContent = `done: ${summary}`;
      setStatus({
        page: 'regularization',
        ready: true,
        trained: true,
        runs: board.runs.length,
        epochs: outcome.history.length,
        valAccuracy: outcome.valAccuracy,
        earlyStopping: early,
        history: outcome.history,
      });
    } catch (error) {
      handle.finish(`failed: ${(error as Error).message}`);
      status.textContent = `training failed: ${(error as Error).message}`;
      setStatus({ error: (error as Error).message });
    } finally {
      training = false;
      recipe();
    }
  }

  // Ioffe & Szegedy 2015, Fig. 1: the trainer's batch-norm study, in the worker.
  root.insertAdjacentHTML(
    'beforeend',
    `<h3>Batch norm over training (Ioffe &amp; Szegedy 2015, Fig. 1)</h3>
     <p class="note">Three hidden layers of 100 sigmoid units, N(0, 0.05²) weights, SGD: the same network, data and batches with and
     without batch norm. Left: test accuracy. Right: the 15th, 50th and 85th percentiles of one unit's input to its sigmoid —
     without batch norm they drift as the layers below change; with it they stay put.</p>`,
  );
  const bnControls = section(root, 'controls');
  const bnButton = document.createElement('button');
  bnButton.id = 'bn-run';
  bnButton.textContent = 'run the study (both networks, 1 000 steps)';
  bnControls.append(bnButton);
  const bnStatus = section(root, 'status');
  bnStatus.id = 'bn-status';
  const bnCharts = section(root, 'charts two');
  const bnAccuracy = lineChart(
    chartBox(bnCharts, 'bn-accuracy'),
    'test accuracy',
    [],
    { title: 'step' },
    { title: 'accuracy', max: 1 },
  );
  const bnPercentiles = lineChart(
    chartBox(bnCharts, 'bn-percentiles'),
    "a unit's input to its sigmoid: 15/50/85th percentiles",
    [],
    { title: 'step' },
    { title: 'input value' },
  );
  bnButton.addEventListener('click', () => {
    bnButton.disabled = true;
    setStatus({ error: undefined });
    bnStatus.textContent = 'training both networks in the worker…';
    const { api, ready } = trainingWorker();
    void ready
      .then(() => api.batchNormStudy({ steps: 1000 }))
      .then((result) => {
        const accuracy = (run: BatchNormRun) => run.curve.map((p) => ({ x: p.step, y: p.testAccuracy }));
        setSeries(bnAccuracy, [
          { label: 'with batch norm', points: accuracy(result.withBatchNorm), color: WITH_BN },
          { label: 'without', points: accuracy(result.withoutBatchNorm), color: WITHOUT_BN },
        ]);
        setSeries(bnPercentiles, [
          ...percentileBand(result.withoutBatchNorm, 'without', WITHOUT_BN),
          ...percentileBand(result.withBatchNorm, 'with batch norm', WITH_BN),
        ]);
        const drift = (run: BatchNormRun) => {
          const medians = run.curve.map((p) => p.percentiles[1]);
          return Math.max(...medians) - Math.min(...medians);
        };
        bnStatus.textContent = `test accuracy after 1 000 steps: ${(result.withBatchNorm.testAccuracy * 100).toFixed(1)}% with batch norm, ${(result.withoutBatchNorm.testAccuracy * 100).toFixed(1)}% without; the median input moved by ${drift(result.withBatchNorm).toFixed(2)} with and ${drift(result.withoutBatchNorm).toFixed(2)} without.`;
        setStatus({
          batchNormStudy: {
            bands: bnPercentiles.data.datasets.length,
            withAccuracy: result.withBatchNorm.testAccuracy,
            withoutAccuracy: result.withoutBatchNorm.testAccuracy,
            points: result.withBatchNorm.curve.length,
          },
        });
      })
      .catch((error: unknown) => {
        bnStatus.textContent = `the study failed: ${(error as Error).message}`;
        setStatus({ error: (error as Error).message });
      })
      .finally(() => {
        bnButton.disabled = false;
      });
  });

  start.addEventListener('click', () => void train());
  smoothing.addEventListener('change', drawTargets);
  for (const field of [patience, epochs, digits]) field.input.addEventListener('input', () => void recipe());
  drawTargets();
  recipe();
  setStatus({ page: 'regularization', ready: true, trained: false, runs: 0 });
  return () => {
    if (training) void trainingWorker().api.stop();
    board.destroy();
    targets?.destroy();
    bnAccuracy.destroy();
    bnPercentiles.destroy();
  };
}
