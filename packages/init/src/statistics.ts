/**
 * The lecture's "initialisation too small / too big / just right" figure as data: per layer, the mean,
 * standard deviation, share of exact zeros, share saturated, and a histogram of the layer's outputs on a
 * batch — ready for the CLI and the web app to draw.
 */
import {
  abs,
  cast,
  clipByValue,
  denseBincount,
  div,
  equal,
  floor,
  less,
  max,
  mean,
  min,
  moments,
  reshape,
  sub,
  tidy,
  type Tensor,
  type Tensor1D,
} from '@tensorflow/tfjs-core';
import {
  assertFiniteValues,
  assertKnownOptions,
  assertPositiveInteger,
  assertTensor,
  GradwellArgumentError,
  type Sequential,
} from '@gradwell/core';

export interface Histogram {
  /** bins + 1 edges, from the smallest to the largest value. */
  edges: number[];
  counts: number[];
}

export interface LayerStatistics {
  layer: string;
  className: string;
  /** Per-example output shape. */
  shape: number[];
  mean: number;
  std: number;
  /** Share of outputs exactly 0 (dead ReLUs, collapsed signal). */
  zeroFraction: number;
  /** Share within 1% of a bound of a bounded activation (tanh, sigmoid, ...); 0 when unbounded. */
  saturatedFraction: number;
  histogram: Histogram;
}

/** The histogram of a tensor's values in `bins` equal-width bins (computed by tfjs kernels). */
export function histogram(x: Tensor, bins = 30): Histogram {
  assertTensor('histogram', 'x', x);
  if (x.size === 0) throw new GradwellArgumentError('histogram', 'x', 'a non-empty tensor', x);
  assertFiniteValues('histogram', 'x', x);
  assertPositiveInteger('histogram', 'bins', bins);
  const [lo, hi] = tidy(() => [min(x), max(x)]).map((t) => {
    const value = t.dataSync()[0] as number;
    t.dispose();
    return value;
  }) as [number, number];
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = tidy(() => {
    const index = cast(
      clipByValue(floor(div(sub(reshape(x, [-1]), lo), width)), 0, bins - 1),
      'int32',
    ) as Tensor1D;
    return denseBincount(index, [], bins);
  });
  const values = Array.from(counts.dataSync());
  counts.dispose();
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts: values };
}

function boundsOf(layer: unknown): readonly [number, number] | undefined {
  const activation = (layer as { activation?: { range?: readonly [number, number] } }).activation;
  const range = activation?.range;
  return range !== undefined && Number.isFinite(range[0]) && Number.isFinite(range[1]) ? range : undefined;
}

export function activationStatistics(
  model: Sequential,
  batch: Tensor,
  options: { bins?: number } = {},
): LayerStatistics[] {
  assertKnownOptions('activationStatistics', options, ['bins']);
  const { bins = 30 } = options;
  model.checkBatch('activationStatistics', 'batch', batch);
  assertFiniteValues('activationStatistics', 'batch', batch);
  assertPositiveInteger('activationStatistics', 'bins', bins);
  const outputs = model.applyWithIntermediates(batch, { training: false });
  try {
    return model.layers.map((layer, i) => {
      const y = outputs[i] as Tensor;
      const bounds = boundsOf(layer);
      const [m, v, zeros, saturated] = tidy(() => {
        const { mean: mu, variance } = moments(y);
        const zero = mean(cast(equal(y, 0), 'float32'));
        const sat =
          bounds === undefined
            ? mean(cast(equal(y, Number.NaN), 'float32'))
            : mean(
                cast(
                  less(
                    sub(0.5 * (bounds[1] - bounds[0]), abs(sub(y, 0.5 * (bounds[0] + bounds[1])))),
                    0.01 * (bounds[1] - bounds[0]),
                  ),
                  'float32',
                ),
              );
        return [mu, variance, zero, sat];
      }).map((t) => {
        const value = t.dataSync()[0] as number;
        t.dispose();
        return value;
      }) as [number, number, number, number];
      return {
        layer: layer.name,
        className: layer.className,
        shape: y.shape.slice(1),
        mean: m,
        std: Math.sqrt(v),
        zeroFraction: zeros,
        saturatedFraction: saturated,
        histogram: histogram(y, bins),
      };
    });
  } finally {
    for (const y of outputs) y.dispose();
  }
}
