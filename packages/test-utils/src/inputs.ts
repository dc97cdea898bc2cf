/**
 * Seeded test inputs. `distinctValues` keeps every pair of values at least `spacing` apart, so a
 * central difference never crosses a max/pool/relu kink; `awayFromZero` keeps |x| ≥ `margin`.
 */
import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uniform values in [min, max). */
export function uniformValues(shape: number[], seed: number, min = -1, max = 1): Tensor {
  const random = createRandom(seed);
  return tensor(
    Float32Array.from({ length: size(shape) }, () => random.uniform(min, max)),
    shape,
  );
}

/** A shuffled arithmetic sequence centred on `center`, `spacing` apart. */
export function distinctValues(shape: number[], seed: number, spacing = 0.1, center = 0): Tensor {
  const n = size(shape);
  const order = createRandom(seed).permutation(n);
  return tensor(
    Float32Array.from(order, (p) => center + (p - (n - 1) / 2) * spacing),
    shape,
  );
}

/** Uniform magnitudes in [margin, margin + 1) with random signs. */
export function awayFromZero(shape: number[], seed: number, margin = 0.1): Tensor {
  const random = createRandom(seed);
  return tensor(
    Float32Array.from(
      { length: size(shape) },
      () => (random.next() < 0.5 ? -1 : 1) * (margin + random.next()),
    ),
    shape,
  );
}

/** Positive values in [low, high). */
export function positiveValues(shape: number[], seed: number, low = 0.5, high = 2): Tensor {
  return uniformValues(shape, seed, low, high);
}
