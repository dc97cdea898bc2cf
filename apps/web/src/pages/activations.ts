/**
 * Activations: any registered activation and its derivative, several at once, each in its own colour
 * (the same whichever others are ticked); under each one, a band in its colour marks where it passes
 * (almost) no gradient — dead (f′ = 0) or saturated (|f′| < 0.01).
 */
import * as tf from '@tensorflow/tfjs-core';
import { getActivation, listActivations } from '@gradwell/activations';
import { chartBox, color, lineChart, setSeries, type Series } from '../charts';
import { checkbox, section, setStatus } from '../state';

const XS = Array.from({ length: 201 }, (_, i) => -5 + i * 0.05);

export function mountActivations(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Activation functions and their derivatives</h2>
     <p class="lead">Solid: f(x). Dashed: f′(x). The band under the axis, in each function's colour, marks where it passes (almost) no
     gradient back — dead (f′ = 0) or saturated (|f′| &lt; 0.01): a unit whose inputs sit there stops learning.</p>`,
  );
  const controls = section(root, 'controls');
  const names = listActivations().filter((a) => getActivation(a).elementwise);
  const boxes = names.map((name) =>
    checkbox(controls, name, `act-${name}`, name === 'relu' || name === 'tanh'),
  );
  const chart = lineChart(
    chartBox(root, 'activation-chart', 'wide'),
    'f and f′',
    [],
    { title: 'x' },
    { title: 'f(x), f′(x)' },
  );
  (chart.canvas.parentElement as HTMLElement).classList.add('tall');
  const regions = section(root, 'finding');
  regions.id = 'no-gradient';

  function render(): void {
    const chosen = names.filter((_, i) => boxes[i]!.checked);
    const x = tf.tensor1d(XS);
    const series: Series[] = [];
    const shares: Record<string, number> = {};
    chosen.forEach((name, k) => {
      const hue = color(names.indexOf(name));
      const a = getActivation(name);
      const [f, d] = tf.tidy(() => [
        Array.from(a.apply(x).dataSync()),
        Array.from(a.derivative(x).dataSync()),
      ]);
      series.push(
        { label: name, points: XS.map((v, j) => ({ x: v, y: f[j] as number })), color: hue, pointRadius: 0 },
        {
          label: `${name}′`,
          points: XS.map((v, j) => ({ x: v, y: d[j] as number })),
          color: hue,
          dashed: true,
          pointRadius: 0,
        },
      );
      // A band per activation below the axis, one under the other.
      const top = -1.15 - 0.25 * k;
      const dead = XS.map((v, j) => ({ x: v, y: Math.abs(d[j] as number) < 0.01 ? top : Number.NaN }));
      series.push({
        label: `${name}: no gradient`,
        points: dead,
        color: hue,
        width: 8,
        pointRadius: 0,
      });
      shares[name] = dead.filter((p) => !Number.isNaN(p.y)).length / XS.length;
    });
    x.dispose();
    setSeries(chart, series);
    regions.textContent =
      chosen.length === 0
        ? 'Tick an activation.'
        : `No gradient on [−5, 5]: ${chosen.map((n) => `${n} ${(shares[n]! * 100).toFixed(0)}%`).join(' · ')}`;
    setStatus({
      page: 'activations',
      ready: true,
      plotted: chosen,
      series: chart.data.datasets.length,
      noGradientShares: shares,
      colours: Object.fromEntries(chosen.map((n) => [n, color(names.indexOf(n))])),
    });
  }

  for (const b of boxes) b.addEventListener('change', render);
  render();
  return () => chart.destroy();
}
