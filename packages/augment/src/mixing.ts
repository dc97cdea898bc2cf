/**
 * Batch-level mixing with label mixing: mixup (Zhang et al. 2018) blends each example with another of the
 * batch, x̃ = λx_i + (1 − λ)x_j, ỹ = λy_i + (1 − λ)y_j, λ ~ Beta(α, α); CutMix (Yun et al. 2019) pastes a
 * random box from x_j into x_i, with λ the kept area share. One λ per batch, as in both papers' code.
 */
import {
  add,
  cast,
  clone,
  gather,
  greaterEqual,
  less,
  logicalAnd,
  mul,
  range,
  reshape,
  sub,
  tensor1d,
  tidy,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertTensor,
  GradwellArgumentError,
  type RandomSource,
  assertRandomSource,
  assertRequiredOptions,
} from '@gradwell/core';

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the boosting trick. */
export function sampleGamma(shape: number, random: RandomSource): number {
  // A NaN or infinite shape would never leave the rejection loop: refuse it (never a hang).
  assertInRange('sampleGamma', 'shape', shape, { min: 0, minInclusive: false });
  assertRandomSource('sampleGamma', random);
  return gamma(shape, random);
}

function gamma(shape: number, random: RandomSource): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random.next() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = random.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = random.next();
    if (Math.log(u || Number.MIN_VALUE) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(α, β) from two gammas. */
export function sampleBeta(alpha: number, beta: number, random: RandomSource): number {
  for (const [name, value] of [
    ['alpha', alpha],
    ['beta', beta],
  ] as const) {
    assertInRange('sampleBeta', name, value, { min: 0, minInclusive: false });
  }
  assertRandomSource('sampleBeta', random);
  const x = gamma(alpha, random);
  return x / (x + gamma(beta, random));
}

/** A batch of none mixes to none: copies, λ = 1, and nothing drawn from the random source. */
function unmixed(images: Tensor, labels: Tensor): MixedBatch {
  return { images: clone(images), labels: clone(labels), lambda: 1 };
}

export interface MixedBatch {
  images: Tensor;
  labels: Tensor;
  /** The mixing weight of the original examples. */
  lambda: number;
}

function checkPair(context: string, images: Tensor, labels: Tensor): void {
  assertTensor(context, 'images', images, { ranks: [2, 3, 4] });
  assertTensor(context, 'labels', labels, { ranks: [2], dtypes: ['float32'] });
  if (labels.shape[1] === 0)
    throw new GradwellArgumentError(context, 'labels', 'rows of at least one class', labels);
  if (images.shape.slice(1).some((d) => d === 0))
    throw new GradwellArgumentError(context, 'images', 'examples of a non-empty shape', images);
  if (images.shape[0] !== labels.shape[0])
    throw new GradwellArgumentError(context, 'labels', `one row per image (${images.shape[0]} rows)`, labels);
  assertTensor(context, 'images', images, { dtypes: ['float32'] });
}

export function mixup(
  images: Tensor,
  labels: Tensor,
  options: { alpha?: number },
  random: RandomSource,
): MixedBatch {
  assertRequiredOptions('mixup', options, ['alpha']);
  const { alpha = 0.2 } = options;
  checkPair('mixup', images, labels);
  assertInRange('mixup', 'alpha', alpha, { min: 0, minInclusive: false });
  if (images.shape[0] === 0) return unmixed(images, labels);
  const lambda = sampleBeta(alpha, alpha, random);
  const order = random.permutation(images.shape[0]);
  const result = tidy(() => {
    const partner = tensor1d(order, 'int32');
    return {
      images: add(mul(images, lambda), mul(gather(images, partner), 1 - lambda)),
      labels: add(mul(labels, lambda), mul(gather(labels, partner), 1 - lambda)),
    };
  });
  return { ...result, lambda };
}

export function cutmix(
  images: Tensor,
  labels: Tensor,
  options: { alpha?: number },
  random: RandomSource,
): MixedBatch {
  assertRequiredOptions('cutmix', options, ['alpha']);
  const { alpha = 1 } = options;
  checkPair('cutmix', images, labels);
  assertTensor('cutmix', 'images', images, { ranks: [4] });
  assertInRange('cutmix', 'alpha', alpha, { min: 0, minInclusive: false });
  const [n, h, w] = images.shape as [number, number, number, number];
  if (n === 0) return unmixed(images, labels);
  const drawn = sampleBeta(alpha, alpha, random);
  const cutH = Math.floor(h * Math.sqrt(1 - drawn));
  const cutW = Math.floor(w * Math.sqrt(1 - drawn));
  const cy = random.nextInt(h);
  const cx = random.nextInt(w);
  const [top, bottom] = [Math.max(0, cy - Math.floor(cutH / 2)), Math.min(h, cy + Math.ceil(cutH / 2))];
  const [left, right] = [Math.max(0, cx - Math.floor(cutW / 2)), Math.min(w, cx + Math.ceil(cutW / 2))];
  const lambda = 1 - ((bottom - top) * (right - left)) / (h * w);
  const order = random.permutation(n);
  const result = tidy(() => {
    const partner = tensor1d(order, 'int32');
    const rows = reshape(range(0, h), [1, h, 1, 1]);
    const cols = reshape(range(0, w), [1, 1, w, 1]);
    const box = cast(
      logicalAnd(
        logicalAnd(greaterEqual(rows, top), less(rows, bottom)),
        logicalAnd(greaterEqual(cols, left), less(cols, right)),
      ),
      'float32',
    );
    const others = gather(images, partner);
    return {
      images: add(images, mul(box, sub(others, images))),
      labels: add(mul(labels, lambda), mul(gather(labels, partner), 1 - lambda)),
    };
  });
  return { ...result, lambda };
}
