/**
 * Activations: any registered activation and its derivative, several at once; where the derivative
 * vanishes the units pass no gradient — shaded as dead (f′ = 0) or saturated (|f′| < 0.01) for the first
 * activation chosen.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getActivation, listActivations } from '@gradwell/activations';
import { chartBox, color, lineChart } from '../charts';
import { checkbox, section, setStatus } from '../state';

const XS = Array.from({ length: 201 }, (_, i) => -5 + i * 0.05);

export function mountActivations(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    '<h2>Activation functions and their derivatives</h2><p class="note">Solid: f(x). Dashed: f′(x). Shaded: where the first chosen activation passes (almost) no gradient — dead (f′ = 0) or saturated (|f′| &lt; 0.01).</p>',
  );
  const controls = section(root, 'controls');
  const names = listActivations().filter((a) => getActivation(a).elementwise);
  const boxes = names.map((name) =>
    checkbox(controls, name, `act-${name}`, name === 'relu' || name === 'tanh'),
  );
  const chart = lineChart(chartBox(root, 'activation-chart'), 'f and f′', [], { xTitle: 'x' });
  (chart.canvas.parentElement as HTMLElement).style.height = '420px';
  const regions = section(root, 'note');

  function render(): void {
    const chosen = names.filter((_, i) => boxes[i]!.checked);
    const x = tf.tensor1d(XS);
    const datasets = chosen.flatMap((name, i) => {
      const a = getActivation(name);
      const [f, d] = tf.tidy(() => [
        Array.from(a.apply(x).dataSync()),
        Array.from(a.derivative(x).dataSync()),
      ]);
      return [
        { name, kind: 'f', points: XS.map((v, k) => ({ x: v, y: f[k] as number })), i, d },
        { name, kind: "f'", points: XS.map((v, k) => ({ x: v, y: d[k] as number })), i, d },
      ];
    });
    x.dispose();
    const focus = datasets[1];
    const shaded =
      focus === undefined
        ? []
        : XS.map((v, k) => ({ x: v, y: Math.abs(focus.d[k] as number) < 0.01 ? 1 : Number.NaN }));
    chart.data.datasets = [
      ...datasets.map((s) => ({
        label: `${s.kind === 'f' ? '' : 'd/dx '}${s.name}`,
        data: s.points,
        borderColor: color(s.i),
        backgroundColor: color(s.i),
        borderDash: s.kind === 'f' ? [] : [5, 4],
        pointRadius: 0,
      })),
      ...(focus === undefined
        ? []
        : [
            {
              label: `no gradient (${focus.name})`,
              data: shaded.map((p) => ({ x: p.x, y: Number.isNaN(p.y) ? Number.NaN : -1.2 })),
              borderColor: '#b3261e55',
              backgroundColor: '#b3261e22',
              fill: 'start',
              pointRadius: 0,
              spanGaps: false,
            },
          ]),
    ];
    chart.update();
    const share = focus === undefined ? 0 : shaded.filter((p) => p.y === 1).length / XS.length;
    regions.textContent =
      focus === undefined
        ? 'choose an activation'
        : `${focus.name}: no gradient on ${(share * 100).toFixed(0)}% of [−5, 5]`;
    setStatus({
      page: 'activations',
      ready: true,
      plotted: chosen,
      series: chart.data.datasets.length,
      noGradientShare: share,
    });
  }

  for (const b of boxes) b.addEventListener('change', render);
  render();
  return () => chart.destroy();
}
