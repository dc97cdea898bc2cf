/**
 * Synthetic classification sets for tests and demonstrations: interleaved spirals (not linearly
 * separable: a network needs hidden units and a working nonlinearity) and Gaussian blobs. Seeded.
 */
import { assertInRange, assertKnownOptions, assertPositiveInteger, createRandom } from '@gradwell/core';
import { hostDataset, type TensorDataset } from './dataset';

interface ClassSetOptions {
  /** Classes; default 3. */
  classes?: number;
  /** Points per class; default 100. */
  pointsPerClass?: number;
  seed?: number;
}

/**
 * `classes` × `pointsPerClass` points of `dimensions` coordinates, labelled by class: `place(c, i, point)`
 * writes point i of class c.
 */
function classSet(
  name: string,
  { classes, pointsPerClass }: { classes: number; pointsPerClass: number },
  dimensions: number,
  place: (c: number, i: number, point: Float32Array) => void,
): TensorDataset {
  assertPositiveInteger(name, 'classes', classes);
  assertPositiveInteger(name, 'pointsPerClass', pointsPerClass);
  const n = classes * pointsPerClass;
  const xs = new Float32Array(n * dimensions);
  const ys = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const k = c * pointsPerClass + i;
      place(c, i, xs.subarray(k * dimensions, (k + 1) * dimensions));
      ys[k] = c;
    }
  }
  return hostDataset(xs, ys, [dimensions], { name, numClasses: classes });
}

export interface SpiralsOptions extends ClassSetOptions {
  /** Standard deviation of the angle noise (radians); default 0.2. */
  noise?: number;
  /** Turns of each arm; default 1. */
  turns?: number;
}

/** `classes` interleaved spiral arms in the plane (the CS231n toy set), radius in [0, 1]. */
export function spirals(options: SpiralsOptions = {}): TensorDataset {
  assertKnownOptions('spirals', options, ['classes', 'pointsPerClass', 'noise', 'turns', 'seed']);
  const { classes = 3, pointsPerClass = 100, noise = 0.2, turns = 1, seed = 0 } = options;
  assertInRange('spirals', 'noise', noise, { min: 0 });
  assertInRange('spirals', 'turns', turns, { min: 0, minInclusive: false });
  const random = createRandom(seed);
  return classSet('spirals', { classes, pointsPerClass }, 2, (c, i, point) => {
    const r = pointsPerClass === 1 ? 1 : i / (pointsPerClass - 1);
    const angle = (2 * Math.PI * c) / classes + 2 * Math.PI * turns * r + random.normal() * noise;
    point[0] = r * Math.cos(angle);
    point[1] = r * Math.sin(angle);
  });
}

export interface BlobsOptions extends ClassSetOptions {
  /** Input dimensions; default 2. */
  dimensions?: number;
  /** Standard deviation around each centre; default 1. */
  spread?: number;
  /** Centres are drawn uniformly in [−separation, separation]^d; default 5. */
  separation?: number;
}

/** Isotropic Gaussian blobs, one per class. */
export function blobs(options: BlobsOptions = {}): TensorDataset {
  assertKnownOptions('blobs', options, [
    'classes',
    'pointsPerClass',
    'dimensions',
    'spread',
    'separation',
    'seed',
  ]);
  const { classes = 3, pointsPerClass = 100, dimensions = 2, spread = 1, separation = 5, seed = 0 } = options;
  assertPositiveInteger('blobs', 'classes', classes);
  assertPositiveInteger('blobs', 'dimensions', dimensions);
  assertInRange('blobs', 'spread', spread, { min: 0 });
  assertInRange('blobs', 'separation', separation, { min: 0 });
  const random = createRandom(seed);
  const centres = Array.from({ length: classes }, () =>
    Array.from({ length: dimensions }, () => random.uniform(-separation, separation)),
  );
  return classSet('blobs', { classes, pointsPerClass }, dimensions, (c, _i, point) => {
    for (let d = 0; d < dimensions; d++) point[d] = (centres[c]?.[d] ?? 0) + random.normal() * spread;
  });
}
