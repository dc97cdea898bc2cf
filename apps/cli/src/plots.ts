/**
 * Plots as SVG files a person can open: Vega-Lite specs compiled and rendered headless by Vega (no
 * browser, no canvas). The web app renders the same kind of specs in the page.
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to an SVG file. */
export async function writeSvg(spec: TopLevelSpec, file: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    writeFileSync(file, await view.toSVG());
  } finally {
    view.finalize();
  }
  return file;
}

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

/** Lines, one per series, optionally faceted into columns by `panel` (in the order the series give). */
export function lineChart({
  title,
  series,
  xTitle,
  yTitle,
  logY = false,
  logX = false,
  width = 420,
  height = 260,
}: {
  title: string;
  series: Array<Series & { panel?: string }>;
  xTitle: string;
  yTitle: string;
  logY?: boolean;
  logX?: boolean;
  width?: number;
  height?: number;
}): TopLevelSpec {
  const values = series.flatMap((s) =>
    s.points.filter((p) => Number.isFinite(p.y)).map((p) => ({ ...p, series: s.name, panel: s.panel ?? '' })),
  );
  const faceted = series.some((s) => s.panel !== undefined);
  const inner = {
    mark: { type: 'line' as const, point: values.length < 200 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative' as const,
        title: xTitle,
        ...(logX ? { scale: { type: 'log' as const } } : {}),
      },
      y: {
        field: 'y',
        type: 'quantitative' as const,
        title: yTitle,
        scale: logY ? { type: 'log' as const } : { zero: false },
      },
      color: { field: 'series', type: 'nominal' as const, title: null },
    },
    width,
    height,
  };
  return faceted
    ? {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title,
        data: { values },
        // panels in the order of the series, not alphabetically
        facet: {
          field: 'panel',
          type: 'nominal',
          title: null,
          sort: [...new Set(values.map((v) => v.panel))],
        },
        columns: 2,
        spec: inner,
      }
    : { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, data: { values }, ...inner };
}

/** Bars of a histogram per (row, column) panel: `bins` hold [start, end, count]. */
export function histogramGrid({
  title,
  panels,
  xTitle,
}: {
  title: string;
  panels: Array<{ row: string; column: string; bins: Array<[number, number, number]> }>;
  xTitle: string;
}): TopLevelSpec {
  const values = panels.flatMap((p) =>
    p.bins.map(([start, end, count]) => ({ row: p.row, column: p.column, start, end, count })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    facet: {
      row: { field: 'row', type: 'nominal', title: null },
      column: { field: 'column', type: 'nominal', title: null, sort: null },
    },
    spec: {
      width: 110,
      height: 60,
      mark: 'bar',
      encoding: {
        x: { field: 'start', type: 'quantitative', title: xTitle },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: null, axis: { labels: false, ticks: false } },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** Grouped bars: one bar per (group, series). */
export function barChart({
  title,
  values,
  yTitle,
}: {
  title: string;
  values: Array<{ group: string; series: string; y: number }>;
  yTitle: string;
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'group', type: 'nominal', title: null, sort: null },
      xOffset: { field: 'series' },
      y: { field: 'y', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null },
    },
    width: 420,
    height: 240,
  };
}

/** Grouped bars from a table of values: `{ train: { dropout: 0.97, none: 0.99 }, test: { ... } }`. */
export function comparisonBars(
  title: string,
  yTitle: string,
  groups: Record<string, Record<string, number>>,
): TopLevelSpec {
  return barChart({
    title,
    yTitle,
    values: Object.entries(groups).flatMap(([group, bySeries]) =>
      Object.entries(bySeries).map(([series, y]) => ({ group, series, y })),
    ),
  });
}

/** A confusion matrix as a heat map: rows the labels, columns the predictions, each cell its count. */
export function confusionHeatmap(title: string, classNames: string[], matrix: number[][]): TopLevelSpec {
  const values = matrix.flatMap((row, i) =>
    row.map((count, j) => ({ label: classNames[i], predicted: classNames[j], count })),
  );
  const axis = { field: undefined, type: 'ordinal', sort: classNames } as const;
  const max = Math.max(...matrix.flat());
  const side = Math.max(160, Math.min(640, 28 * classNames.length));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    encoding: {
      y: { ...axis, field: 'label', title: 'label' },
      x: { ...axis, field: 'predicted', title: 'predicted' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', scale: { type: 'symlog' }, title: 'examples' },
        },
      },
      ...(classNames.length <= 20
        ? [
            {
              mark: { type: 'text' as const, fontSize: 9 },
              encoding: {
                text: { field: 'count', type: 'quantitative' as const },
                // light on the dark cells
                color: { condition: { test: `datum.count > ${max / 4}`, value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
    width: side,
    height: side,
  };
}

/**
 * A reliability diagram: per confidence bin, the share predicted right (bars) and its gap to the bin's mean
 * confidence (red); a calibrated model's bars reach the diagonal.
 */
export function reliabilityDiagram(
  title: string,
  bins: Array<{
    lower: number;
    upper: number;
    count: number;
    accuracy: number | null;
    confidence: number | null;
  }>,
): TopLevelSpec {
  const values = bins
    .filter((b) => b.count > 0)
    .map((b) => ({ ...b, accuracy: b.accuracy as number, confidence: b.confidence as number }));
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] } };
  const x = { ...unit, field: 'lower', title: 'confidence' };
  const y = unit;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    layer: [
      {
        data: { values },
        mark: { type: 'rect', color: '#4c78a8', stroke: 'white' },
        encoding: {
          x,
          x2: { field: 'upper' },
          y: { ...y, field: 'accuracy', title: 'accuracy' },
          y2: { datum: 0 },
          tooltip: [{ field: 'count', type: 'quantitative', title: 'examples' }],
        },
      },
      {
        data: { values },
        mark: { type: 'rect', color: '#e45756', opacity: 0.45 },
        encoding: { x, x2: { field: 'upper' }, y: { ...y, field: 'accuracy' }, y2: { field: 'confidence' } },
      },
      {
        data: { values: [{ a: 0 }, { a: 1 }] },
        mark: { type: 'line', color: 'grey', strokeDash: [4, 4] },
        encoding: { x: { ...x, field: 'a' }, y: { ...y, field: 'a' } },
      },
    ],
    width: 320,
    height: 320,
  };
}
