/**
 * The initialiser objects of this package: core's `Initializer` contract (shape + seeded random source →
 * tensor) with an explicit class name and a JSON config. `apply` also takes `{ seed }` for use outside a
 * model: the same seed gives the same tensor on every backend.
 */
import {
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
