import type { LayerFactory } from '@gradwell/core';
import { Maxout } from './maxout';
import { PRelu } from './prelu';
import { SRelu } from './srelu';

export { Maxout, type MaxoutArgs } from './maxout';
export { PRelu, preluLayer, type PreluArgs } from './prelu';
export { SRelu, sreluLayer, type SreluArgs } from './srelu';

/** The learnable activation layers, for the trainer's layer registry. */
export const ACTIVATION_LAYER_FACTORIES: ReadonlyArray<readonly [string, LayerFactory]> = [
  ['PRelu', (config, resolvers) => PRelu.fromConfig(config, resolvers)],
  ['SRelu', (config, resolvers) => SRelu.fromConfig(config, resolvers)],
  ['Maxout', (config, resolvers) => Maxout.fromConfig(config, resolvers)],
];
