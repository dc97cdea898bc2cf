/**
 * Initialisation: a deep MLP on unit-Gaussian inputs; choose depth, width, activation and scheme, and see
 * each layer's activation histogram (the lecture's too-small / too-big / just-right figures) and the
 * histogram of the gradient that reaches each layer's weights, recomputed live.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { listActivations } from '@gradwell/activations';
import { activationStatistics, histogram } from '@gradwell/init';
import { dense, INIT_SCHEMES, model, type InitScheme } from '@gradwell/trainer';
import type { Chart } from 'chart.js';
import { chartBox, histogramChart, lineChart } from '../charts';
import { range, section, select, setStatus } from '../state';

export function mountInit(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    '<h2>Weight initialisation</h2><p class="note">Too small: the signal collapses to 0 layer after layer. Too big: tanh saturates at ±1, ReLU explodes. Xavier keeps tanh healthy, He keeps ReLU healthy.</p>',
  );
  const controls = section(root, 'controls');
  const depth = range(controls, 'depth', 'depth', 2, 16, 1, 8);
  const width = range(controls, 'width', 'width', 32, 512, 32, 256);
  const activation = select(
    controls,
    'activation',
    'activation',
    listActivations().filter((a) => !['softmax', 'logSoftmax'].includes(a)),
    'tanh',
  );
  const scheme = select(controls, 'scheme', 'scheme', Object.keys(INIT_SCHEMES), 'xavier');
  const summary = lineChart(chartBox(root, 'std-by-layer'), 'standard deviation by layer', [], {
    xTitle: 'layer',
    yTitle: 'std',
    logY: true,
  });
  root.insertAdjacentHTML('beforeend', '<h3>Activations per layer</h3>');
  const activationGrid = section(root, 'charts');
  root.insertAdjacentHTML('beforeend', '<h3>Gradients per layer (∂L/∂W for a random linear loss)</h3>');
  const gradientGrid = section(root, 'charts');
  let charts: Chart[] = [];

  function render(): void {
    for (const c of charts) c.destroy();
    charts = [];
    activationGrid.replaceChildren();
    gradientGrid.replaceChildren();
    const n = Number(depth.value);
    const w = Number(width.value);
    const net = model(
      Array.from({ length: n }, (_, i) =>
        dense({
          units: w,
          activation: activation.value,
          kernelInitializer: INIT_SCHEMES[scheme.value as InitScheme],
          name: `layer${i + 1}`,
        }),
      ),
      { inputShape: [w], seed: 1 },
    );
    const random = createRandom(2);
    const x = random.normalTensor([400, w]);
    const stats = activationStatistics(net, x, { bins: 30 });
    const direction = random.normalTensor([400, w]);
    const kernels = net.layers.map((l) => l.weights[0]!.variable);
    const { value, grads } = tf.variableGrads(
      () => tf.sum<tf.Scalar>(tf.mul(net.apply(x), direction)),
      kernels,
    );
    const gradientStats = kernels.map((k) => {
      const g = grads[k.name] as tf.Tensor;
      return {
        histogram: histogram(g, 30),
        std: tf.tidy(() => Math.sqrt(tf.moments(g).variance.dataSync()[0] as number)),
      };
    });
    stats.forEach((s, i) => {
      charts.push(
        histogramChart(
          chartBox(activationGrid, `act-${i + 1}`, true),
          `layer ${i + 1}: mean ${s.mean.toFixed(3)}, std ${s.std.toPrecision(3)}`,
          s.histogram,
        ),
      );
      const g = gradientStats[i]!;
      charts.push(
        histogramChart(
          chartBox(gradientGrid, `grad-${i + 1}`, true),
          `layer ${i + 1}: gradient std ${g.std.toPrecision(3)}`,
          g.histogram,
        ),
      );
    });
    summary.data.datasets = [
      {
        label: 'activation std',
        data: stats.map((s, i) => ({ x: i + 1, y: Math.max(s.std, 1e-12) })),
        borderColor: '#3b6fe0',
        backgroundColor: '#3b6fe0',
      },
      {
        label: 'gradient std',
        data: gradientStats.map((g, i) => ({ x: i + 1, y: Math.max(g.std, 1e-12) })),
        borderColor: '#e0703b',
        backgroundColor: '#e0703b',
      },
    ];
    summary.update();
    tf.dispose([x, direction, value, ...Object.values(grads)]);
    net.dispose();
    setStatus({
      page: 'init',
      ready: true,
      scheme: scheme.value,
      activation: activation.value,
      layers: n,
      stds: stats.map((s) => s.std),
      gradientStds: gradientStats.map((g) => g.std),
      saturated: stats.map((s) => s.saturatedFraction),
    });
  }

  for (const el of [depth, width, activation, scheme]) el.addEventListener('change', render);
  render();
  return () => {
    for (const c of charts) c.destroy();
    summary.destroy();
  };
}
