/**
 * The initialiser objects of this package: core's `Initializer` contract (shape + seeded random source →
 * tensor) with an explicit class name and a JSON config. `apply` also takes `{ seed }` for use outside a
 * model: the same seed gives the same tensor on every backend.
 */
import { createRandom, getGlobalRandom, type Initializer, type RandomSource } from '@gradwell/core';
import { tidy, type Tensor } from '@tensorflow/tfjs-core';

export type RandomArgument = RandomSource | { seed: number };

export interface GradwellInitializer extends Initializer {
  /** The registry name (the same as `className`). */
  readonly name: string;
  apply(shape: readonly number[], random?: RandomArgument): Tensor;
}

export function toRandomSource(random: RandomArgument | undefined): RandomSource {
  if (random === undefined) return getGlobalRandom();
  return 'next' in random ? random : createRandom(random.seed);
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
    apply: (shape, random) => tidy(() => sample([...shape], toRandomSource(random))),
    getConfig: () => ({ ...config }),
  };
}
