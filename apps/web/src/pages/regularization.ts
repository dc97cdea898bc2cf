/**
 * Regularisation and batch norm: train a small MNIST model in the page with the chosen options; live
 * loss/accuracy curves for training and validation (early stopping visible as the run ending early), the
 * distribution of a hidden layer's pre-activations before and after batch norm, and the label-smoothing
 * targets.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Chart } from 'chart.js';
import { distributionSnapshot } from '@gradwell/batchnorm';
import { earlyStopping, smoothLabels } from '@gradwell/regularizers';
import { evaluate, mlpPreset, subset, type TensorDataset } from '@gradwell/trainer';
import { barChart, chartBox } from '../charts';
import { loadMnist } from '../data';
import { checkbox, numberInput, range, section, setStatus } from '../state';
import { liveCharts, trainLive, type RunControl } from '../training';

export function mountRegularization(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    '<h2>Regularisation and batch normalisation</h2><p class="note">An MLP (784-128-64-10) on 3 000 MNIST digits, validated on 1 000. Turn dropout, label smoothing, batch norm and early stopping on and off.</p>',
  );
  const controls = section(root, 'controls');
  const dropout = range(controls, 'dropout', 'dropout', 0, 0.7, 0.05, 0);
  const smoothing = range(controls, 'label smoothing ε', 'smoothing', 0, 0.3, 0.05, 0.1);
  const bn = checkbox(controls, 'batch norm', 'bn', true);
  const patience = numberInput(controls, 'early stopping patience (0 = off)', 'patience', 2, 3);
  const epochs = numberInput(controls, 'epochs', 'epochs', 8, 3);
  const start = document.createElement('button');
  start.id = 'train';
  start.textContent = 'train';
  controls.append(start);
  const status = section(root, 'status');
  status.id = 'status';
  const charts = section(root, 'charts');
  const live = liveCharts(charts, 'reg');
  const bnCharts = section(root, 'charts');
  let extra: Chart[] = [];
  const control: RunControl = { paused: false, stopped: false };

  function drawTargets(): void {
    const target = tf.tidy(() =>
      smoothLabels(tf.oneHot(tf.tensor1d([3], 'int32'), 10), Number(smoothing.value)).dataSync(),
    );
    extra.push(
      barChart(
        chartBox(bnCharts, 'targets'),
        `targets for the digit 3, ε = ${smoothing.value}`,
        Array.from({ length: 10 }, (_, i) => String(i)),
        [{ label: 'target', data: Array.from(target) }],
      ),
    );
  }

  async function train(): Promise<void> {
    start.disabled = true;
    control.stopped = false;
    live.reset();
    for (const c of extra) c.destroy();
    extra = [];
    bnCharts.replaceChildren();
    drawTargets();
    status.textContent = 'loading MNIST…';
    const mnist = await loadMnist();
    const trainSet: TensorDataset = subset(mnist.train, 0, 3000);
    const validation: TensorDataset = subset(mnist.test, 0, 1000);
    const model = mlpPreset({
      hidden: [128, 64],
      batchNorm: bn.checked,
      dropout: Number(dropout.value),
      seed: 1,
    });
    const stopper =
      Number(patience.value) > 0
        ? earlyStopping({ patience: Number(patience.value), restoreBestWeights: true })
        : undefined;
    status.textContent = 'training…';
    const run = await trainLive(
      model,
      trainSet,
      {
        epochs: Number(epochs.value),
        batchSize: 64,
        labelSmoothing: Number(smoothing.value),
        validation,
        seed: 1,
        callbacks: stopper ? [stopper] : [],
      },
      live,
      control,
      (epoch, logs) =>
        (status.textContent = `epoch ${epoch + 1}: validation accuracy ${((logs.valAccuracy ?? 0) * 100).toFixed(1)}%`),
    );
    const final = await evaluate(model, validation);
    if (bn.checked) {
      const probe = validation.batch(Array.from({ length: 500 }, (_, i) => i));
      const [pre, post] = tf.tidy(() => {
        const outputs = model.applyWithIntermediates(probe.x);
        const dense = model.layers.findIndex((l) => l.name === 'dense1');
        return [tf.keep(outputs[dense] as tf.Tensor), tf.keep(outputs[dense + 1] as tf.Tensor)];
      });
      for (const [name, t] of [
        ['before batch norm', pre],
        ['after batch norm', post],
      ] as const) {
        const snapshot = distributionSnapshot(t, { bins: 30, features: [0] })[0]!;
        const h = snapshot.histogram;
        extra.push(
          barChart(
            chartBox(bnCharts, name.replace(/ /g, '-')),
            `unit 1 of dense1, ${name}: p15 ${snapshot.p15.toFixed(2)}, p50 ${snapshot.p50.toFixed(2)}, p85 ${snapshot.p85.toFixed(2)}`,
            h.counts.map((_, i) => ((h.edges[i]! + h.edges[i + 1]!) / 2).toFixed(2)),
            [{ label: 'count', data: h.counts }],
          ),
        );
      }
      tf.dispose([pre, post, probe.x, probe.y]);
    }
    status.textContent = `done: ${run.history.length} epoch(s), validation accuracy ${((final.accuracy ?? 0) * 100).toFixed(1)}%${run.stopReason ? ` — ${run.stopReason}` : ''}`;
    setStatus({
      page: 'regularization',
      ready: true,
      trained: true,
      epochs: run.history.length,
      valAccuracy: final.accuracy,
      stopReason: run.stopReason,
      history: run.history,
    });
    model.dispose();
    trainSet.dispose();
    validation.dispose();
    start.disabled = false;
  }

  start.addEventListener('click', () => void train());
  smoothing.addEventListener('change', () => {
    const old = extra.find((c) => c.canvas.id === 'targets');
    old?.canvas.parentElement?.remove();
    old?.destroy();
    extra = extra.filter((c) => c !== old);
    drawTargets();
  });
  drawTargets();
  setStatus({ page: 'regularization', ready: true, trained: false });
  return () => {
    control.stopped = true;
    live.destroy();
    for (const c of extra) c.destroy();
  };
}
