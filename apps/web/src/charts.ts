/** Charts with Chart.js: line charts updated in place while training, bar charts for histograms. */
import { Chart, registerables, type ChartDataset } from 'chart.js';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const PALETTE = ['#3b6fe0', '#e0703b', '#2f9e5b', '#a23be0', '#c9a400', '#e03b83', '#3bb8e0', '#6b6b6b'];
export const color = (i: number): string => PALETTE[i % PALETTE.length] as string;

/** A chart inside a new box appended to `parent`. */
export function chartBox(parent: HTMLElement, id: string, small = false): HTMLCanvasElement {
  const box = document.createElement('div');
  box.className = small ? 'chart small' : 'chart';
  const canvas = document.createElement('canvas');
  canvas.id = id;
  box.append(canvas);
  parent.append(box);
  return canvas;
}

export function lineChart(
  canvas: HTMLCanvasElement,
  title: string,
  series: Array<{ label: string; points: Array<{ x: number; y: number }>; dashed?: boolean; fill?: boolean }>,
  { xTitle = '', yTitle = '', logY = false }: { xTitle?: string; yTitle?: string; logY?: boolean } = {},
): Chart<'line'> {
  return new Chart<'line'>(canvas, {
    type: 'line',
    data: {
      datasets: series.map((s, i): ChartDataset<'line'> => ({
        label: s.label,
        data: s.points,
        borderColor: color(i),
        backgroundColor: s.fill ? `${color(i)}33` : color(i),
        borderDash: s.dashed ? [5, 4] : [],
        pointRadius: s.points.length > 40 ? 0 : 2,
        fill: s.fill ?? false,
      })),
    },
    options: {
      parsing: false,
      plugins: { title: { display: true, text: title } },
      scales: {
        x: { type: 'linear', title: { display: xTitle !== '', text: xTitle } },
        y: { type: logY ? 'logarithmic' : 'linear', title: { display: yTitle !== '', text: yTitle } },
      },
    },
  });
}

export function barChart(
  canvas: HTMLCanvasElement,
  title: string,
  labels: string[],
  datasets: Array<{ label: string; data: number[] }>,
): Chart<'bar'> {
  return new Chart<'bar'>(canvas, {
    type: 'bar',
    data: { labels, datasets: datasets.map((d, i) => ({ ...d, backgroundColor: color(i) })) },
    options: {
      plugins: { title: { display: true, text: title }, legend: { display: datasets.length > 1 } },
      scales: { x: { ticks: { maxTicksLimit: 6 } } },
    },
  });
}

/** A histogram ({ edges, counts }) as bars labelled by bin centre. */
export function histogramChart(
  canvas: HTMLCanvasElement,
  title: string,
  histogram: { edges: number[]; counts: number[] },
): Chart<'bar'> {
  const labels = histogram.counts.map((_, i) =>
    (((histogram.edges[i] ?? 0) + (histogram.edges[i + 1] ?? 0)) / 2).toPrecision(2),
  );
  return barChart(canvas, title, labels, [{ label: 'count', data: histogram.counts }]);
}
