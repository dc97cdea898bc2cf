/**
 * The initialiser objects of this package: core's `Initializer` contract (shape + seeded random source →
 * tensor) with an explicit class name and a JSON config. `apply` also takes `{ seed }` for use outside a
 * model: the same seed gives the same tensor on every backend.
 */
import {
  assertKnownOptions,
  createRandom,
  getGlobalRandom,
  GradwellArgumentError,
  type Initializer,
  type RandomSource,
} from '@gradwell/core';
import { tidy, type Tensor } from '@tensorflow/tfjs-core';

export type RandomArgument = RandomSource | { seed: number };

export interface GradwellInitializer extends Initializer {
  /** The registry name (the same as `className`). */
  readonly name: string;
  apply(shape: readonly number[], random?: RandomArgument): Tensor;
}

export function toRandomSource(random: RandomArgument | undefined, context = 'initializer'): RandomSource {
  if (random === undefined) return getGlobalRandom();
  if (random === null || typeof random !== 'object')
    throw new GradwellArgumentError(context, 'random', 'a random source or { seed }', random);
  return 'next' in random ? random : createRandom(random.seed);
}

/** A weight shape: a list of non-negative integers. */
function checkShape(context: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0))
    throw new GradwellArgumentError(context, 'shape', 'a list of non-negative integers', shape);
}

/** Keras's and PyTorch's names for gradwell's initialiser options, suggested when one is given. */
export const OTHER_OPTION_NAMES: Readonly<Record<string, string>> = {
  stddev: 'std',
  minval: 'min',
  maxval: 'max',
  a: 'negativeSlope',
  negative_slope: 'negativeSlope',
};

/** An initialiser's options hold only `known` (see core's `assertKnownOptions`); Keras's names suggested. */
export function checkOptions(context: string, options: unknown, known: readonly string[]): void {
  assertKnownOptions(context, options, known, OTHER_OPTION_NAMES);
}

/** The options of an initialiser that takes none: `zeros()`; `zeros({ gain: 2 })` is an error. */
export type NoOptions = Record<string, never>;

/** Builds an initialiser from its class name, config and sampling function. */
export function makeInitializer(
  className: string,
  config: Record<string, unknown>,
  sample: (shape: number[], random: RandomSource) => Tensor,
): GradwellInitializer {
  return {
    className,
    name: className,
    apply: (shape, random) => {
      checkShape(className, shape);
      const source = toRandomSource(random, className);
      return tidy(() => sample([...shape], source));
    },
    getConfig: () => ({ ...config }),
  };
}
