/**
 * Charts with Chart.js, made to show a lecture's point at a glance: every axis titled, log axes labelled in
 * powers of ten, one colour-blind-safe palette (Okabe & Ito) used the same way on every page — a run keeps
 * its colour in every chart, training is dashed and validation solid — and histograms on numeric axes, so a
 * row of them can share one x-range.
 */
import { Chart, registerables, type ChartDataset, type ScaleOptionsByType } from 'chart.js';

Chart.register(...registerables);

/** Every live chart, for the end-to-end tests: its title, axis titles and types, and series colours. */
const live = new Set<Chart>();
Chart.register({
  id: 'gradwell-registry',
  install: (chart: Chart) => void live.add(chart),
  uninstall: (chart: Chart) => void live.delete(chart),
});

export interface ChartInfo {
  id: string;
  title: string;
  axes: Record<string, { title: string; type: string; min?: number; max?: number }>;
  series: Array<{ label: string; color: string; points: number }>;
}

(globalThis as { gradwellCharts?: () => ChartInfo[] }).gradwellCharts = () =>
  [...live].map((chart) => ({
    id: chart.canvas.id,
    title: String(chart.options.plugins?.title?.text ?? ''),
    axes: Object.fromEntries(
      Object.entries(chart.scales).map(([key, scale]) => [
        key,
        {
          title: String((scale.options as { title?: { text?: string } }).title?.text ?? ''),
          type: scale.type,
          min: scale.min,
          max: scale.max,
        },
      ]),
    ),
    series: chart.data.datasets.map((d) => ({
      label: String(d.label ?? ''),
      color: typeof d.borderColor === 'string' ? d.borderColor : String(d.backgroundColor as string),
      points: (d.data as unknown[]).length,
    })),
  }));
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'Inter, system-ui, sans-serif';
Chart.defaults.color = '#3d4556';

/** Okabe & Ito's palette: distinguishable with every common colour-vision deficiency. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#6B4C9A',
  '#000000',
];
export const color = (i: number): string =>
  PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;

/** Colours with a meaning of their own, the same on every page. */
export const ROLE = {
  activation: '#0072B2',
  gradient: '#D55E00',
  flagged: '#b3261e',
  muted: '#8a93a6',
} as const;

/** 1e-7 → "10⁻⁷"; other values with 3 significant digits. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.log10(Math.abs(value));
  if (
    Number.isInteger(Math.round(exponent * 1e6) / 1e6) &&
    (Math.abs(value) < 1e-2 || Math.abs(value) >= 1e4)
  ) {
    const superscript = String(Math.round(exponent))
      .split('')
      .map((c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)])
      .join('');
    return `${value < 0 ? '−' : ''}10${superscript}`;
  }
  return Number(value.toPrecision(3)).toString();
}

/** A chart box appended to `parent` (`wide`: the whole row). */
export function chartBox(
  parent: HTMLElement,
  id: string,
  size: 'normal' | 'small' | 'wide' = 'normal',
): HTMLCanvasElement {
  const box = document.createElement('figure');
  box.className = `chart ${size}`;
  const canvas = document.createElement('canvas');
  canvas.id = id;
  box.append(canvas);
  parent.append(box);
  return canvas;
}

export interface Series {
  label: string;
  points: Array<{ x: number; y: number }>;
  color?: string;
  dashed?: boolean;
  /** Fill down to the axis (a band's lower edge fills to the previous dataset with `fillTo`). */
  fill?: boolean | string | number;
  width?: number;
  stepped?: boolean;
  /** Points drawn (default: only when there are few). */
  pointRadius?: number;
  hidden?: boolean;
}

export interface AxisOptions {
  title: string;
  log?: boolean;
  min?: number;
  max?: number;
}

function axis({
  title,
  log = false,
  min,
  max,
}: AxisOptions): Partial<ScaleOptionsByType<'linear' | 'logarithmic'>> {
  return {
    type: log ? 'logarithmic' : 'linear',
    title: { display: true, text: title },
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ticks: { callback: (value: number | string) => formatTick(Number(value)), maxTicksLimit: 8 },
  } as unknown as Partial<ScaleOptionsByType<'linear' | 'logarithmic'>>;
}

export function dataset(s: Series, i: number): ChartDataset<'line'> {
  const c = s.color ?? color(i);
  return {
    label: s.label,
    data: s.points,
    borderColor: c,
    backgroundColor: s.fill ? `${c}33` : c,
    borderDash: s.dashed ? [6, 4] : [],
    borderWidth: s.width ?? 2,
    pointRadius: s.pointRadius ?? (s.points.length > 30 ? 0 : 2.5),
    fill: s.fill ?? false,
    stepped: s.stepped ? 'middle' : false,
    hidden: s.hidden ?? false,
  };
}

/** Lines (and bands) on numeric axes, every axis titled. */
export function lineChart(
  canvas: HTMLCanvasElement,
  title: string,
  series: Series[],
  x: AxisOptions,
  y: AxisOptions,
  { legend = true }: { legend?: boolean } = {},
): Chart<'line'> {
  return new Chart<'line'>(canvas, {
    type: 'line',
    data: { datasets: series.map(dataset) },
    options: {
      parsing: false,
      normalized: true,
      spanGaps: false,
      plugins: {
        title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
        legend: { display: legend, labels: { usePointStyle: true, boxWidth: 10 } },
      },
      scales: { x: axis(x), y: axis(y) },
    },
  });
}

/** Replaces a line chart's series (colours by index unless given) and redraws. */
export function setSeries(chart: Chart<'line'>, series: Series[]): void {
  chart.data.datasets = series.map(dataset);
  chart.update();
}

export interface HistogramData {
  edges: number[];
  counts: number[];
}

/**
 * A histogram as a filled step line on a numeric x-axis: give several the same `xRange` and they share it,
 * so a narrowing distribution shows as a narrowing shape, not as tick labels.
 */
export function histogramChart(
  canvas: HTMLCanvasElement,
  title: string,
  histogram: HistogramData,
  {
    xTitle,
    xRange,
    colour = ROLE.activation,
  }: { xTitle: string; xRange?: [number, number]; colour?: string },
): Chart<'line'> {
  const points = histogram.counts.map((count, i) => ({
    x: ((histogram.edges[i] as number) + (histogram.edges[i + 1] as number)) / 2,
    y: count,
  }));
  const total = histogram.counts.reduce((a, b) => a + b, 0) || 1;
  return lineChart(
    canvas,
    title,
    [
      {
        label: 'share of values',
        points: points.map((p) => ({ x: p.x, y: p.y / total })),
        color: colour,
        fill: 'origin',
        stepped: true,
        pointRadius: 0,
      },
    ],
    { title: xTitle, ...(xRange === undefined ? {} : { min: xRange[0], max: xRange[1] }) },
    { title: 'share', min: 0 },
    { legend: false },
  );
}

/** Bars on a category axis (class ids, names), titled axes, optionally a log y-axis. */
export function barChart(
  canvas: HTMLCanvasElement,
  title: string,
  labels: string[],
  datasets: Array<{ label: string; data: Array<number | null>; color?: string }>,
  x: string,
  y: AxisOptions,
): Chart<'bar'> {
  return new Chart<'bar'>(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((d, i) => ({
        label: d.label,
        data: d.data,
        backgroundColor: d.color ?? color(i),
      })),
    },
    options: {
      plugins: {
        title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
        legend: { display: datasets.length > 1 },
      },
      scales: { x: { title: { display: true, text: x } }, y: axis(y) as never },
    },
  });
}
