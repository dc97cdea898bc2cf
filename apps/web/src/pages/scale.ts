/**
 * Input size (the lecture's rescaling figure): a fully convolutional CNN trained on 28×28 digits, then
 * shown the same test digits scaled by ×1.1 … ×10. Its filters are the size they learnt: accuracy and the
 * probability given to the true class fall as the digits grow. Run by the trainer's shared study in the
 * training worker; the rescaled digits are drawn beside the figure.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rescaleBy } from '@gradwell/augment';
import { chartBox, color, lineChart, setSeries } from '../charts';
import { drawImage, loadMnist } from '../data';
import { section, setStatus } from '../state';
import { trainingWorker } from '../worker/client';

const FACTORS = [1, 1.1, 1.25, 1.5, 2, 3, 5, 10];

export function mountScale(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Input size: a CNN meets larger digits</h2>
     <p class="lead">A fully convolutional network (three 3×3 convolutions, global average pooling) trained on 28×28 MNIST, then
     evaluated on the same test digits enlarged ×1.1 to ×10. Convolutions accept any size, but their filters keep the scale they
     learnt: the larger the digit, the less they recognise it. Train at the size you will predict at, or augment with rescaling.</p>`,
  );
  const strip = section(root, 'scale-strip');
  strip.id = 'scaled-digits';
  const controls = section(root, 'controls');
  const run = document.createElement('button');
  run.id = 'scale-run';
  run.textContent = 'train the CNN and evaluate at every scale (about a minute)';
  controls.append(run);
  const status = section(root, 'status');
  status.id = 'scale-status';
  const charts = section(root, 'charts');
  const chart = lineChart(
    chartBox(charts, 'scale-chart', 'wide'),
    'accuracy and true-class confidence by input scale',
    [],
    { title: 'scale factor (log)', log: true, min: 1, max: 10 },
    { title: 'share', min: 0, max: 1 },
  );
  let alive = true;

  // The first test digit at each scale, drawn at its own size (pixelated, so the growth is visible).
  void loadMnist().then(({ test }) => {
    if (!alive) return;
    const { x, y } = test.batch([0]);
    for (const factor of FACTORS) {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      const scaled = tf.tidy(() => tf.squeeze(rescaleBy(x, factor), [0]));
      drawImage(canvas, scaled);
      canvas.style.width = `${Math.round(28 * Math.min(factor, 4) * 1.2)}px`;
      scaled.dispose();
      const caption = document.createElement('figcaption');
      caption.textContent = `×${factor} · ${Math.round(28 * factor)} px`;
      figure.append(canvas, caption);
      strip.append(figure);
    }
    tf.dispose([x, y]);
    setStatus({ digitsDrawn: FACTORS.length });
  });

  run.addEventListener('click', () => {
    run.disabled = true;
    setStatus({ error: undefined });
    status.textContent = 'training the CNN in the worker, then evaluating at each scale…';
    const { api, ready } = trainingWorker();
    void ready
      .then(() => api.inputScaleStudy({ factors: FACTORS, epochs: 1, trainExamples: 12000 }))
      .then((result) => {
        if (!alive) return;
        setSeries(chart, [
          {
            label: 'accuracy',
            points: result.rows.map((r) => ({ x: r.factor, y: r.accuracy })),
            color: color(0),
          },
          {
            label: 'top-3 accuracy',
            points: result.rows.map((r) => ({ x: r.factor, y: r.top3 })),
            color: color(0),
            dashed: true,
          },
          {
            label: 'probability of the true class',
            points: result.rows.map((r) => ({ x: r.factor, y: r.confidence })),
            color: color(1),
          },
        ]);
        const at = (f: number) => result.rows.find((r) => r.factor === f);
        status.textContent = `accuracy ${((at(1)?.accuracy ?? 0) * 100).toFixed(1)}% at 28 px, ${((at(2)?.accuracy ?? 0) * 100).toFixed(1)}% at ×2, ${((at(10)?.accuracy ?? 0) * 100).toFixed(1)}% at ×10.`;
        setStatus({ scaleStudy: result.rows });
      })
      .catch((error: unknown) => {
        status.textContent = `the study failed: ${(error as Error).message}`;
        setStatus({ error: (error as Error).message });
      })
      .finally(() => {
        run.disabled = false;
      });
  });
  setStatus({ page: 'scale', ready: true });
  return () => {
    alive = false;
    chart.destroy();
  };
}
