/**
 * Initialisation: a deep MLP on unit-Gaussian inputs; choose depth, width, activation and scheme, and see
 * each layer's activation histogram and the gradient reaching each layer — every histogram of a row on one
 * shared x-range, so "too small" shows as the distribution shrinking to a spike and "too big" as it piling
 * up at ±1. Below: He et al.'s 30-layer ReLU net trained from Xavier and from He initialisation (Fig. 3),
 * run by the trainer's shared study in the training worker.
 */
import { listActivations } from '@gradwell/activations';
import type { Histogram } from '@gradwell/init';
import { INIT_SCHEMES, initExperiment, type InitScheme } from '@gradwell/trainer';
import type { Chart } from 'chart.js';
import { chartBox, color, histogramChart, lineChart, ROLE, setSeries } from '../charts';
import { range, section, select, setStatus } from '../state';
import { trainingWorker } from '../worker/client';

/** The schemes by what they are, not by their code names. */
export const SCHEME_NAMES: Record<InitScheme, string> = {
  tooSmall: 'too small: N(0, 0.01²)',
  tooBig: 'too big: N(0, 1)',
  xavier: 'Xavier/Glorot: N(0, 2/(n_in + n_out))',
  he: 'He: N(0, 2/n_in)',
};

const sci = (v: number) =>
  v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e3) ? v.toExponential(1) : v.toPrecision(2);

/** The widest extent of a set of histograms (their shared x-range). */
function sharedRange(histograms: Histogram[]): [number, number] {
  const lo = Math.min(...histograms.map((h) => h.edges[0] as number));
  const hi = Math.max(...histograms.map((h) => h.edges.at(-1) as number));
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

export function mountInit(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Weight initialisation</h2>
     <p class="lead">A ${'deep'} MLP on unit-Gaussian inputs. With weights too small the signal shrinks layer after layer to nothing;
     too big, tanh saturates at ±1 and ReLU explodes; the initialisation that pairs with the activation keeps it in range.</p>`,
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
  for (const option of Array.from(scheme.options))
    option.textContent = SCHEME_NAMES[option.value as InitScheme];
  const finding = section(root, 'finding');
  finding.id = 'init-finding';
  const summaries = section(root, 'charts two');
  const activationStd = lineChart(
    chartBox(summaries, 'std-by-layer'),
    'activation std by layer',
    [],
    { title: 'layer' },
    { title: 'std of the layer output (log)', log: true },
    { legend: false },
  );
  const gradientStd = lineChart(
    chartBox(summaries, 'gradient-std-by-layer'),
    'gradient std by layer',
    [],
    { title: 'layer' },
    { title: 'std of ∂L/∂W (log)', log: true },
    { legend: false },
  );
  root.insertAdjacentHTML(
    'beforeend',
    '<h3>Activations per layer <small>(one x-range for all layers)</small></h3>',
  );
  const activationGrid = section(root, 'charts grid-small');
  activationGrid.id = 'activation-grid';
  root.insertAdjacentHTML(
    'beforeend',
    '<h3>Gradients per layer <small>(∂L/∂W for a random linear loss; one x-range)</small></h3>',
  );
  const gradientGrid = section(root, 'charts grid-small');
  gradientGrid.id = 'gradient-grid';
  let charts: Array<Chart<'line'>> = [];

  function render(): void {
    for (const c of charts) c.destroy();
    charts = [];
    activationGrid.replaceChildren();
    gradientGrid.replaceChildren();
    const n = Number(depth.value);
    const w = Number(width.value);
    const chosen = scheme.value as InitScheme;
    const [run] = initExperiment({
      depth: n,
      width: w,
      examples: 400,
      activations: [activation.value],
      schemes: [chosen],
      seed: 1,
      gradients: true,
    });
    const stats = run!.layers;
    const gradients = run!.gradients!;

    const activationRange = sharedRange(stats.map((s) => s.histogram));
    const gradientRange = sharedRange(gradients.map((g) => g.histogram));
    stats.forEach((s, i) => {
      charts.push(
        histogramChart(
          chartBox(activationGrid, `act-${i + 1}`, 'small'),
          `layer ${i + 1} · std ${sci(s.std)}`,
          s.histogram,
          {
            xTitle: 'output value',
            xRange: activationRange,
            colour: ROLE.activation,
          },
        ),
      );
      const g = gradients[i]!;
      charts.push(
        histogramChart(
          chartBox(gradientGrid, `grad-${i + 1}`, 'small'),
          `layer ${i + 1} · std ${sci(g.std)}`,
          g.histogram,
          {
            xTitle: 'gradient value',
            xRange: gradientRange,
            colour: ROLE.gradient,
          },
        ),
      );
    });
    setSeries(activationStd, [
      {
        label: 'activation std',
        points: stats.map((s, i) => ({ x: i + 1, y: Math.max(s.std, 1e-12) })),
        color: ROLE.activation,
      },
    ]);
    setSeries(gradientStd, [
      {
        label: 'gradient std',
        points: gradients.map((g, i) => ({ x: i + 1, y: Math.max(g.std, 1e-12) })),
        color: ROLE.gradient,
      },
    ]);
    const first = stats[0]!.std;
    const last = stats.at(-1)!.std;
    const saturated = stats.at(-1)!.saturatedFraction;
    const verdict =
      last < first * 1e-2
        ? 'the signal collapses'
        : last > first * 1e2
          ? 'the signal explodes'
          : saturated > 0.5
            ? `the units saturate (${(saturated * 100).toFixed(0)}% of the last layer's outputs within 1% of a bound)`
            : last < first * 0.3
              ? 'the signal shrinks, slowly'
              : 'the signal keeps its scale';
    finding.textContent = `${SCHEME_NAMES[chosen]} with ${activation.value}: the output std goes from ${sci(first)} at layer 1 to ${sci(last)} at layer ${n} — ${verdict}.`;
    const spans = stats.map((s) => (s.histogram.edges.at(-1) as number) - (s.histogram.edges[0] as number));
    setStatus({
      page: 'init',
      ready: true,
      scheme: chosen,
      activation: activation.value,
      layers: n,
      stds: stats.map((s) => s.std),
      gradientStds: gradients.map((g) => g.std),
      saturated: stats.map((s) => s.saturatedFraction),
      spans,
      sharedRange: activationRange,
      finding: finding.textContent,
    });
  }

  // He et al. 2015, Fig. 3: the trainer's depth study in the worker.
  root.insertAdjacentHTML(
    'beforeend',
    `<h3>Training a 30-layer ReLU net: Xavier vs He (He et al. 2015, Fig. 3)</h3>
     <p class="note">The same 30 × 64 ReLU MLP, data, batches and optimiser (SGD with momentum); only the initialisation differs.
     From Xavier the signal halves at every layer and nothing comes back: the loss stays at chance (ln 10 ≈ 2.30).</p>`,
  );
  const depthControls = section(root, 'controls');
  const depthButton = document.createElement('button');
  depthButton.id = 'depth-run';
  depthButton.textContent = 'train both (about half a minute)';
  depthControls.append(depthButton);
  const depthStatus = section(root, 'status');
  depthStatus.id = 'depth-status';
  const depthCharts = section(root, 'charts');
  const depthChart = lineChart(
    chartBox(depthCharts, 'depth-curves', 'wide'),
    '30 ReLU layers: training loss',
    [],
    { title: 'step' },
    { title: 'cross-entropy loss (mean of 10 steps)' },
  );
  depthButton.addEventListener('click', () => {
    depthButton.disabled = true;
    setStatus({ error: undefined });
    depthStatus.textContent = 'training both networks in the worker…';
    const { api, ready } = trainingWorker();
    void ready
      .then(() => api.depthStudy({ depth: 30, epochs: 1, trainExamples: 6000 }))
      .then((result) => {
        setSeries(depthChart, [
          {
            label: `He — test accuracy ${(result.he.testAccuracy * 100).toFixed(1)}%`,
            points: result.he.curve.map((p) => ({ x: p.step, y: p.loss })),
            color: color(2),
          },
          {
            label: `Xavier — test accuracy ${(result.xavier.testAccuracy * 100).toFixed(1)}%`,
            points: result.xavier.curve.map((p) => ({ x: p.step, y: p.loss })),
            color: color(1),
          },
          {
            label: 'chance (ln 10)',
            points: [
              { x: 0, y: Math.log(10) },
              { x: result.he.curve.at(-1)?.step ?? 1, y: Math.log(10) },
            ],
            color: '#8a93a6',
            dashed: true,
            width: 1,
            pointRadius: 0,
          },
        ]);
        depthStatus.textContent = `He: final loss ${result.he.finalLoss.toFixed(3)}, test accuracy ${(result.he.testAccuracy * 100).toFixed(1)}% · Xavier: final loss ${result.xavier.finalLoss.toFixed(3)}, test accuracy ${(result.xavier.testAccuracy * 100).toFixed(1)}%`;
        const tail = (curve: Array<{ loss: number }>) => {
          const last = curve.slice(Math.floor((curve.length * 3) / 4));
          return last.reduce((a, p) => a + p.loss, 0) / Math.max(last.length, 1);
        };
        setStatus({
          depthStudy: {
            heTail: tail(result.he.curve),
            xavierTail: tail(result.xavier.curve),
            heAccuracy: result.he.testAccuracy,
            xavierAccuracy: result.xavier.testAccuracy,
          },
        });
      })
      .catch((error: unknown) => {
        depthStatus.textContent = `the study failed: ${(error as Error).message}`;
        setStatus({ error: (error as Error).message });
      })
      .finally(() => {
        depthButton.disabled = false;
      });
  });

  for (const el of [depth, width, activation, scheme]) el.addEventListener('change', render);
  render();
  return () => {
    for (const c of charts) c.destroy();
    activationStd.destroy();
    gradientStd.destroy();
    depthChart.destroy();
  };
}
