/**
 * The two initialisers core's layers fall back to when none is given: Glorot-uniform kernels and zero
 * biases, as in Keras. `@gradwell/init` has the whole catalogue (and the trainer picks one from the
 * activation by default).
 */
import { fill, zeros, type Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteNumber, assertInRange, GradwellArgumentError } from '../validation';
import type { Initializer } from '../contracts';
import type { RandomSource } from '../random';

/** Receptive field × channels for conv kernels `[kh, kw, in, out]`; `[in, out]` for dense kernels. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const given: unknown = shape;
  if (!Array.isArray(given) || given.some((d) => !Number.isInteger(d) || (d as number) < 0))
    throw new GradwellArgumentError('computeFans', 'shape', 'a list of non-negative integers', shape);
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0] as number, fanOut: shape[0] as number };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: (shape[shape.length - 2] as number) * receptiveField,
    fanOut: (shape[shape.length - 1] as number) * receptiveField,
  };
}

/** U[−r, r] with r = √(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export const glorotUniformInitializer: Initializer = {
  className: 'glorotUniform',
  apply(shape: readonly number[], random: RandomSource): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return random.uniformTensor([...shape], -limit, limit);
  },
  getConfig: () => ({}),
};

export const zerosInitializer: Initializer = {
  className: 'zeros',
  apply: (shape: readonly number[]): Tensor => zeros([...shape]),
  getConfig: () => ({}),
};

/** Every element `value`. (All-equal weights keep units symmetric: use for biases and scales only.) */
export function constantInitializer(value: number): Initializer {
  return {
    className: 'constant',
    apply: (shape: readonly number[]): Tensor => fill([...shape], value),
    getConfig: () => ({ value }),
  };
}

/** U[min, max) from the seeded source. */
export function uniformInitializer(min: number, max: number): Initializer {
  assertFiniteNumber('uniformInitializer', 'min', min);
  assertInRange('uniformInitializer', 'max', max, { min, minInclusive: false });
  return {
    className: 'uniform',
    apply: (shape: readonly number[], random: RandomSource): Tensor =>
      random.uniformTensor([...shape], min, max),
    getConfig: () => ({ min, max }),
  };
}
