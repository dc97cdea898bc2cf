/**
 * The seeded random source every gradwell package draws from: augmentation, initialisation, dropout
 * masks and shuffling. A source made from the same seed yields the same sequence on every platform
 * and backend: numbers come from a JS generator (sfc32, seeded through splitmix32), and tensors from
 * tfjs-core's seeded random ops, whose values are generated in JS before upload.
 */
import { randomNormal, randomUniform, truncatedNormal, type Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteNumber, assertPositiveInteger, GradwellArgumentError } from './validation';

export interface RandomSource {
  /** The seed this source was made from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  nextInt(n: number): number;
  /** A float in [min, max). */
  uniform(min: number, max: number): number;
  /** A normal deviate (Box-Muller). */
  normal(mean?: number, std?: number): number;
  /** A fresh 31-bit seed for a tfjs random op or a child source. */
  nextSeed(): number;
  /** An independent source derived from this one (consumes one draw). */
  fork(): RandomSource;
  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array;
  /** A tensor of uniform values in [min, max). */
  uniformTensor(shape: number[], min?: number, max?: number): Tensor;
  /** A tensor of normal values. */
  normalTensor(shape: number[], mean?: number, std?: number): Tensor;
  /** A tensor of normal values truncated at two standard deviations. */
  truncatedNormalTensor(shape: number[], mean?: number, std?: number): Tensor;
  /** The generator's state, to checkpoint and resume a run exactly. */
  getState(): RandomState;
  setState(state: RandomState): void;
}

export interface RandomState {
  readonly seed: number;
  readonly words: readonly [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const RANDOM_SOURCE_METHODS = [
  'next',
  'nextInt',
  'uniform',
  'normal',
  'nextSeed',
  'fork',
  'permutation',
  'uniformTensor',
  'normalTensor',
  'truncatedNormalTensor',
  'getState',
  'setState',
] as const satisfies ReadonlyArray<keyof RandomSource>;

/**
 * `random` is a random source (`createRandom(seed)`, or an object with every method of one): a seed, an
 * options object or nothing in its place is an error naming the argument, not a TypeError inside a draw.
 */
export function assertRandomSource(context: string, random: unknown, argument = 'random'): void {
  const expected = 'a random source (createRandom(seed))';
  if (random === null || typeof random !== 'object')
    throw new GradwellArgumentError(context, argument, expected, random);
  const missing = RANDOM_SOURCE_METHODS.find(
    (method) => typeof (random as Record<string, unknown>)[method] !== 'function',
  );
  if (missing !== undefined)
    throw GradwellArgumentError.because(
      context,
      argument,
      `argument '${argument}' must be ${expected}; the object given has no method '${missing}'`,
      random,
    );
}

/** Makes a seeded random source. The seed is any integer (it is taken modulo 2³²). */
export function createRandom(seed: number): RandomSource {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new GradwellArgumentError('createRandom', 'seed', 'an integer', seed);
  }
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  const next = (): number => nextUint32() / 4294967296;
  const source: RandomSource = {
    seed,
    next,
    nextInt(n) {
      assertPositiveInteger('RandomSource.nextInt', 'n', n);
      return Math.floor(next() * n);
    },
    uniform(min, max) {
      assertFiniteNumber('RandomSource.uniform', 'min', min);
      assertFiniteNumber('RandomSource.uniform', 'max', max);
      return min + (max - min) * next();
    },
    normal(mean = 0, std = 1) {
      assertFiniteNumber('RandomSource.normal', 'mean', mean);
      if (typeof std !== 'number' || !(std >= 0) || !Number.isFinite(std))
        throw new GradwellArgumentError('RandomSource.normal', 'std', 'a finite number ≥ 0', std);
      const u = 1 - next();
      const v = next();
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    nextSeed: () => nextUint32() >>> 1,
    fork: () => createRandom(nextUint32() >>> 1),
    permutation(n) {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const held = order[i] as number;
        order[i] = order[j] as number;
        order[j] = held;
      }
      return order;
    },
    uniformTensor: (shape, min = 0, max = 1) => randomUniform(shape, min, max, 'float32', source.nextSeed()),
    normalTensor: (shape, mean = 0, std = 1) => randomNormal(shape, mean, std, 'float32', source.nextSeed()),
    truncatedNormalTensor: (shape, mean = 0, std = 1) =>
      truncatedNormal(shape, mean, std, 'float32', source.nextSeed()),
    getState: () => ({ seed, words: [a, b, c, d] }),
    setState(state) {
      [a, b, c, d] = state.words;
    },
  };
  return source;
}

let globalRandom = createRandom(0);

/** Reseeds the process-wide source used when a layer is built without an explicit source. */
export function setGlobalSeed(seed: number): void {
  globalRandom = createRandom(seed);
}

/** The process-wide source (seed 0 until {@link setGlobalSeed}). */
export function getGlobalRandom(): RandomSource {
  return globalRandom;
}
