/**
 * Batch normalisation as pure functions (Ioffe & Szegedy 2015, Algorithm 1):
 *
 *   μ_B = (1/m) Σ xᵢ,  σ²_B = (1/m) Σ (xᵢ − μ_B)²,  x̂ᵢ = (xᵢ − μ_B)/√(σ²_B + ε),  yᵢ = γ·x̂ᵢ + β
 *
 * over every axis but the feature (last) axis. In training, the gradient is the closed form
 *
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = (γ/(m·√(σ²_B + ε)))·(m·dy − Σ dy − x̂·Σ dy·x̂),
 *
 * registered with `tf.customGrad`, instead of autodiff through the mean, the variance and the reciprocal
 * square root (see `fusedTraining`).
 */
import {
  add,
  customGrad,
  div,
  moments,
  mul,
  neg,
  ones,
  onesLike,
  reshape,
  rsqrt,
  square,
  sub,
  tidy,
  zeros,
  zerosLike,
  type GradSaveFunc,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertOneOf,
  assertRequiredOptions,
  assertTensor,
  GradwellArgumentError,
  optionKeys,
} from '@gradwell/core';
import { channelMean } from './channel-reductions';

export interface BatchNormParameters {
  mean: Tensor;
  variance: Tensor;
  /** Scale γ (default 1). */
  gamma?: Tensor;
  /** Shift β (default 0). */
  beta?: Tensor;
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
}

/** Whether a tensor of `shape` broadcasts to `target` without changing it (numpy's rule, from the right). */
function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  return shape.every((d, i) => d === 1 || d === target[target.length - shape.length + i]);
}

/** y = γ·(x − mean)/√(variance + ε) + β with given statistics (inference: the running ones). */
export function batchNorm(x: Tensor, options: BatchNormParameters): Tensor {
  assertRequiredOptions('batchNorm', options, ['mean', 'variance', 'gamma', 'beta', 'epsilon']);
  const { mean, variance, gamma, beta, epsilon = 1e-3 } = options;
  assertTensor('batchNorm', 'x', x, { dtypes: ['float32'] });
  assertInRange('batchNorm', 'epsilon', epsilon, { min: 0, minInclusive: false });
  // Each statistic must broadcast to x's shape (a [C] vector for channels-last input, or keepDims moments).
  for (const [name, value] of Object.entries({ mean, variance, gamma, beta })) {
    if (value === undefined && (name === 'gamma' || name === 'beta')) continue;
    assertTensor('batchNorm', name, value, { dtypes: ['float32'] });
    if (!broadcastsTo(value.shape, x.shape))
      throw new GradwellArgumentError(
        'batchNorm',
        name,
        `a tensor that broadcasts to x's shape [${x.shape.join(', ')}]`,
        value,
      );
  }
  return tidy(() => {
    const normalized = mul(sub(x, mean), rsqrt(add(variance, epsilon)));
    const scaled = gamma === undefined ? normalized : mul(normalized, gamma);
    return beta === undefined ? scaled : add(scaled, beta);
  });
}

export interface NormalizeOptions {
  gamma?: Tensor;
  beta?: Tensor;
  /** Default 1e-3. */
  epsilon?: number;
  /**
   * 'fused' (default): the closed-form backward; 'autodiff': tfjs differentiates the forward's ops (the
   * reference the fused one is checked and benchmarked against).
   */
  gradient?: 'fused' | 'autodiff';
}

const NORMALIZE_KEYS = optionKeys<NormalizeOptions>({ gamma: 1, beta: 1, epsilon: 1, gradient: 1 });

export interface BatchStatistics {
  /** The normalised, scaled and shifted batch. */
  y: Tensor;
  /** μ_B per feature. */
  mean: Tensor;
  /** σ²_B per feature, biased (divided by m) — what the batch is normalised with. */
  variance: Tensor;
}

function reductionAxes(x: Tensor, axes: readonly number[] | undefined): number[] {
  return axes === undefined ? Array.from({ length: x.rank - 1 }, (_, i) => i) : [...axes];
}

/**
 * The fused training forward and its closed-form backward over the channels-last layout. With c = x − μ_B
 * and ι = 1/√(σ²_B + ε) per channel, y = c·(γι) + β, and the closed form rearranges to
 *
 *   dx = A·dy + B·c + C,   A = γι,   B = −γι³·Σ(dy·c)/m,   C = −γι·Σdy/m,
 *   dγ = ι·Σ(dy·c),   dβ = Σdy,
 *
 * so the backward is five elementwise passes plus two per-channel reductions. Only c, γ and ι are saved.
 */
function fusedTraining(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  epsilon: number,
  m: number,
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const mean = channelMean(x);
  const centred = sub(x, mean);
  const variance = channelMean(square(centred));
  const inverse = rsqrt(add(variance, epsilon));
  const op = customGrad(((input: Tensor, g: Tensor, b: Tensor, save: GradSaveFunc) => {
    save([centred, g, inverse]);
    return {
      value: add(mul(centred, mul(g, inverse)), b),
      gradFunc: (dy: Tensor, [c, savedGamma, iota]: Tensor[]) => {
        const sumDy = mul(channelMean(dy), m);
        const sumDyC = mul(channelMean(mul(dy, c as Tensor)), m);
        const a = mul(savedGamma as Tensor, iota as Tensor);
        const bCoefficient = mul(neg(mul(a, square(iota as Tensor))), div(sumDyC, m));
        const cTerm = mul(neg(a), div(sumDy, m));
        const dx = add(add(mul(dy, a), mul(c as Tensor, bCoefficient)), cTerm);
        return [dx, mul(iota as Tensor, sumDyC), sumDy];
      },
    };
  }) as unknown as Parameters<typeof customGrad<Tensor>>[0]);
  return { y: op(x, gamma, beta), mean, variance };
}

/** Normalises a batch with its own statistics (training mode, Algorithm 1); returns them too. */
export function normalizeBatchInTraining(
  x: Tensor,
  axes?: readonly number[],
  options: NormalizeOptions = {},
): BatchStatistics {
  assertTensor('normalizeBatchInTraining', 'x', x, { dtypes: ['float32'] });
  if (x.size === 0) throw new GradwellArgumentError('normalizeBatchInTraining', 'x', 'a non-empty tensor', x);
  assertKnownOptions('normalizeBatchInTraining', options, NORMALIZE_KEYS);
  const { epsilon = 1e-3, gradient = 'fused' } = options;
  assertInRange('normalizeBatchInTraining', 'epsilon', epsilon, { min: 0, minInclusive: false });
  assertOneOf('normalizeBatchInTraining', 'gradient', gradient, ['fused', 'autodiff']);
  const reduce = reductionAxes(x, axes);
  const m = reduce.reduce((count, axis) => count * (x.shape[axis] as number), 1);
  if (m < 2) {
    throw GradwellArgumentError.because(
      'normalizeBatchInTraining',
      'x',
      `argument 'x': training needs at least 2 values per feature to estimate a variance, got ${m} (input shape [${x.shape.join(', ')}]); use a larger batch or the running statistics (inference mode).`,
      x,
    );
  }
  const featureShape = x.shape.map((d, i) => (reduce.includes(i) ? 1 : d));
  const channelsLast = reduce.length === x.rank - 1 && reduce.every((axis, i) => axis === i);
  return tidy(() => {
    const channels = x.shape[x.rank - 1] as number;
    if (gradient === 'fused' && channelsLast) {
      const gamma = options.gamma ?? ones([channels]);
      const beta = options.beta ?? zeros([channels]);
      return fusedTraining(x, gamma, beta, epsilon, m);
    }
    // Autodiff through tfjs's own ops (also the path for reductions over other axes).
    const { mean, variance } = moments(x, reduce, true);
    const gamma = options.gamma === undefined ? onesLike(mean) : reshape(options.gamma, featureShape);
    const beta = options.beta === undefined ? zerosLike(mean) : reshape(options.beta, featureShape);
    const y = add(mul(mul(sub(x, mean), rsqrt(add(variance, epsilon))), gamma), beta);
    return { y, mean: reshape(mean, [-1]), variance: reshape(variance, [-1]) };
  });
}
