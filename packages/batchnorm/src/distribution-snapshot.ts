/**
 * The distribution of each feature (last axis) of a batch: the 15th, 50th and 85th percentiles the
 * paper's Figure 1(b, c) plots over training, and a histogram — the lecture's "before / after
 * normalisation" figure as data for the CLI and the web app.
 */
import { reshape, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertFiniteValues,
  assertInRange,
  assertPositiveInteger,
  assertTensor,
  GradwellArgumentError,
  assertKnownOptions,
} from '@gradwell/core';

export interface FeatureDistribution {
  feature: number;
  p15: number;
  p50: number;
  p85: number;
  mean: number;
  std: number;
  histogram: { edges: number[]; counts: number[] };
}

/** The value at quantile q of ascending `sorted` (linear interpolation between neighbours). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  assertInRange('quantile', 'q', q, { min: 0, max: 1 });
  if (
    sorted === null ||
    typeof sorted !== 'object' ||
    typeof sorted.length !== 'number' ||
    sorted.length === 0
  )
    throw new GradwellArgumentError(
      'quantile',
      'sorted',
      'a non-empty list of numbers in ascending order',
      sorted,
    );
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

export function distributionSnapshot(
  x: Tensor,
  options: { bins?: number; features?: readonly number[] } = {},
): FeatureDistribution[] {
  assertKnownOptions('distributionSnapshot', options, ['bins', 'features']);
  const { bins = 20, features } = options;
  assertTensor('distributionSnapshot', 'x', x);
  if (x.rank < 1 || x.size === 0)
    throw new GradwellArgumentError('distributionSnapshot', 'x', 'a non-empty tensor of rank ≥ 1', x);
  assertFiniteValues('distributionSnapshot', 'x', x);
  assertPositiveInteger('distributionSnapshot', 'bins', bins);
  const channels = x.shape[x.rank - 1] as number;
  const byFeature = tidy(() => transpose(reshape(x, [-1, channels])));
  const values = byFeature.dataSync();
  byFeature.dispose();
  const perFeature = values.length / channels;
  const wanted = features ?? Array.from({ length: channels }, (_, i) => i);
  return wanted.map((feature) => {
    if (!Number.isInteger(feature) || feature < 0 || feature >= channels) {
      throw new GradwellArgumentError(
        'distributionSnapshot',
        'features',
        `feature indices in [0, ${channels})`,
        feature,
      );
    }
    const sorted = Float64Array.from(
      values.subarray(feature * perFeature, (feature + 1) * perFeature),
    ).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const mean = sum / sorted.length;
    let squares = 0;
    for (const v of sorted) squares += (v - mean) ** 2;
    const lo = sorted[0] as number;
    const hi = sorted[sorted.length - 1] as number;
    const width = hi > lo ? (hi - lo) / bins : 1;
    const counts = new Array<number>(bins).fill(0);
    for (const v of sorted) {
      const bin = Math.min(bins - 1, Math.floor((v - lo) / width));
      counts[bin] = (counts[bin] as number) + 1;
    }
    return {
      feature,
      p15: quantile(sorted, 0.15),
      p50: quantile(sorted, 0.5),
      p85: quantile(sorted, 0.85),
      mean,
      std: Math.sqrt(squares / sorted.length),
      histogram: { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts },
    };
  });
}
