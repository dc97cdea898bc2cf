/**
 * Dropout as functions (Srivastava et al. 2014). `rate` is the probability of DROPPING a unit, as in
 * Keras and PyTorch. The lecture's code uses p = probability of KEEPING (`p = 0.5`, `U1 = rand < p`,
 * `H1 *= U1`), so its p = 1 − rate; and it does not rescale, so at test time it must multiply by p. Here
 * dropout is *inverted*: kept units are scaled by 1/(1 − rate) during training, so the expectation is
 * unchanged and inference is the identity.
 */
import { add, cast, div, greaterEqual, mul, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertInRange, assertRandomSource, assertTensor, type RandomSource } from '@gradwell/core';

export function assertRate(context: string, rate: number): void {
  assertInRange(context, 'rate', rate, { min: 0, max: 1, maxInclusive: false });
}

/** Bernoulli(1 − rate) mask over `shape` (0 or 1). */
export function keepMask(shape: number[], rate: number, random: RandomSource): Tensor {
  assertRate('keepMask', rate);
  assertRandomSource('keepMask', random);
  return drawMask(shape, rate, random);
}

// the mask of arguments the caller has checked (dropout and alpha dropout check theirs once per call)
const drawMask = (shape: number[], rate: number, random: RandomSource): Tensor =>
  tidy(() => cast(greaterEqual(random.uniformTensor(shape), rate), 'float32'));

/**
 * Inverted dropout. `noiseShape` (default x's shape) shares one draw across axes of size 1, e.g.
 * [N, 1, 1, C] drops whole channels.
 */
export function dropout(x: Tensor, rate: number, random: RandomSource, noiseShape?: number[]): Tensor {
  assertTensor('dropout', 'x', x, { dtypes: ['float32'] });
  assertRate('dropout', rate);
  assertRandomSource('dropout', random);
  if (rate === 0) return x.clone();
  return tidy(() => div(mul(x, drawMask(noiseShape ?? x.shape, rate, random)), 1 - rate));
}

/** Gaussian dropout (Srivastava et al.): multiplies by N(1, rate/(1 − rate)) noise — same mean and variance. */
export function gaussianDropout(x: Tensor, rate: number, random: RandomSource): Tensor {
  assertTensor('gaussianDropout', 'x', x, { dtypes: ['float32'] });
  assertRate('gaussianDropout', rate);
  assertRandomSource('gaussianDropout', random);
  if (rate === 0) return x.clone();
  return tidy(() => mul(x, random.normalTensor(x.shape, 1, Math.sqrt(rate / (1 - rate)))));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Alpha dropout (Klambauer et al. 2017), for SELU networks: dropped units take SELU's negative saturation
 * value α′ = −λα, and an affine map a·x + b restores zero mean and unit variance:
 * a = ((1 − r)(1 + r·α′²))^(−1/2), b = −a·α′·r.
 */
export function alphaDropout(x: Tensor, rate: number, random: RandomSource): Tensor {
  assertTensor('alphaDropout', 'x', x, { dtypes: ['float32'] });
  assertRate('alphaDropout', rate);
  assertRandomSource('alphaDropout', random);
  if (rate === 0) return x.clone();
  const alphaPrime = -SELU_SCALE * SELU_ALPHA;
  const a = 1 / Math.sqrt((1 - rate) * (1 + rate * alphaPrime * alphaPrime));
  const b = -a * alphaPrime * rate;
  return tidy(() => {
    const keep = drawMask(x.shape, rate, random);
    const kept = add(mul(x, keep), mul(alphaPrime, sub(1, keep)));
    return add(mul(kept, a), b);
  });
}
