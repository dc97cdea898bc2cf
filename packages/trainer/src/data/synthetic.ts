/**
 * Synthetic classification sets for tests and demonstrations: interleaved spirals (not linearly
 * separable: a network needs hidden units and a working nonlinearity) and Gaussian blobs. Seeded.
 */
import { assertInRange, assertPositiveInteger, createRandom } from '@gradwell/core';
import { hostDataset, type TensorDataset } from './dataset';

export interface SpiralsOptions {
  /** Arms (classes); default 3. */
  classes?: number;
  /** Points per arm; default 100. */
  pointsPerClass?: number;
  /** Standard deviation of the angle noise (radians); default 0.2. */
  noise?: number;
  /** Turns of each arm; default 1. */
  turns?: number;
  seed?: number;
}

/** `classes` interleaved spiral arms in the plane (the CS231n toy set), radius in [0, 1]. */
export function spirals({
  classes = 3,
  pointsPerClass = 100,
  noise = 0.2,
  turns = 1,
  seed = 0,
}: SpiralsOptions = {}): TensorDataset {
  assertPositiveInteger('spirals', 'classes', classes);
  assertPositiveInteger('spirals', 'pointsPerClass', pointsPerClass);
  assertInRange('spirals', 'noise', noise, { min: 0 });
  assertInRange('spirals', 'turns', turns, { min: 0, minInclusive: false });
  const random = createRandom(seed);
  const n = classes * pointsPerClass;
  const xs = new Float32Array(n * 2);
  const ys = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const k = c * pointsPerClass + i;
      const r = pointsPerClass === 1 ? 1 : i / (pointsPerClass - 1);
      const angle = (2 * Math.PI * c) / classes + 2 * Math.PI * turns * r + random.normal() * noise;
      xs[2 * k] = r * Math.cos(angle);
      xs[2 * k + 1] = r * Math.sin(angle);
      ys[k] = c;
    }
  }
  return hostDataset(xs, ys, [2], { name: 'spirals', numClasses: classes });
}

export interface BlobsOptions {
  classes?: number;
  pointsPerClass?: number;
  /** Input dimensions; default 2. */
  dimensions?: number;
  /** Standard deviation around each centre; default 1. */
  spread?: number;
  /** Centres are drawn uniformly in [−separation, separation]^d; default 5. */
  separation?: number;
  seed?: number;
}

/** Isotropic Gaussian blobs, one per class. */
export function blobs({
  classes = 3,
  pointsPerClass = 100,
  dimensions = 2,
  spread = 1,
  separation = 5,
  seed = 0,
}: BlobsOptions = {}): TensorDataset {
  assertPositiveInteger('blobs', 'classes', classes);
  assertPositiveInteger('blobs', 'pointsPerClass', pointsPerClass);
  assertPositiveInteger('blobs', 'dimensions', dimensions);
  assertInRange('blobs', 'spread', spread, { min: 0 });
  assertInRange('blobs', 'separation', separation, { min: 0 });
  const random = createRandom(seed);
  const centres = Array.from({ length: classes }, () =>
    Array.from({ length: dimensions }, () => random.uniform(-separation, separation)),
  );
  const n = classes * pointsPerClass;
  const xs = new Float32Array(n * dimensions);
  const ys = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const k = c * pointsPerClass + i;
      for (let d = 0; d < dimensions; d++)
        xs[k * dimensions + d] = (centres[c]?.[d] ?? 0) + random.normal() * spread;
      ys[k] = c;
    }
  }
  return hostDataset(xs, ys, [dimensions], { name: 'blobs', numClasses: classes });
}
