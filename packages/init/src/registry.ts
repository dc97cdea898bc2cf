/**
 * Initialisers by name: `getInitializer('heNormal', { negativeSlope: 0.1 })`, with the field's aliases
 * (xavier* → glorot*, kaiming* → he*, snake_case spellings). Built from one explicit list; a miss lists
 * the known names and the nearest.
 */
import { createRegistry, type Initializer, type Registry, type SerializedObject } from '@gradwell/core';
import * as basic from './basic';
import type { GradwellInitializer } from './initializer';
import * as orthogonal from './orthogonal';
import * as scaling from './variance-scaling';

// Every factory takes one (optional) options object.
type Factory = (options?: never) => GradwellInitializer;

const BUILT_IN: ReadonlyArray<readonly [string, Factory, readonly string[]]> = [
  ['zeros', basic.zeros, []],
  ['ones', basic.ones, []],
  ['constant', basic.constant, []],
  ['uniform', basic.uniform, ['random_uniform']],
  ['normal', basic.normal, ['random_normal']],
  ['truncatedNormal', basic.truncatedNormal, ['truncated_normal']],
  ['varianceScaling', scaling.varianceScaling, ['variance_scaling']],
  ['glorotStandard', scaling.glorotStandard, ['glorot_standard']],
  ['fanIn', scaling.fanIn, ['fan_in']],
  ['glorotUniform', scaling.glorotUniform, ['glorot_uniform', 'xavierUniform', 'xavier_uniform']],
  ['glorotNormal', scaling.glorotNormal, ['glorot_normal', 'xavierNormal', 'xavier_normal']],
  ['glorotSigmoidUniform', scaling.glorotSigmoidUniform, ['glorot_sigmoid_uniform', 'xavierSigmoidUniform']],
  ['heNormal', scaling.heNormal, ['he_normal', 'kaimingNormal', 'kaiming_normal']],
  ['heUniform', scaling.heUniform, ['he_uniform', 'kaimingUniform', 'kaiming_uniform']],
  ['lecunNormal', scaling.lecunNormal, ['lecun_normal']],
  ['lecunUniform', scaling.lecunUniform, ['lecun_uniform']],
  ['orthogonal', orthogonal.orthogonal, []],
  ['identity', orthogonal.identity, ['eye']],
];

let registry: Registry<Factory> | undefined;

function initializerRegistry(): Registry<Factory> {
  if (registry === undefined) {
    registry = createRegistry<Factory>('initializer');
    for (const [name, factory, aliases] of BUILT_IN) registry.register(name, factory, { aliases });
  }
  return registry;
}

/** The initialiser called `name` (or an alias), with its options. */
export function getInitializer(name: string, options: Record<string, unknown> = {}): GradwellInitializer {
  const factory = initializerRegistry().get(name) as unknown as (
    options: Record<string, unknown>,
  ) => GradwellInitializer;
  // each factory refuses an option it does not take (`stddev` for `std`), naming its options
  const initializer = factory(options);
  return initializer;
}

export function listInitializers(): string[] {
  return initializerRegistry().list();
}

export function listInitializerAliases(): Record<string, string> {
  return initializerRegistry().aliases();
}

/** Rebuilds an initialiser from `{ className, config }` (core's `getConfig()` form). */
export function initializerFromConfig(serialized: SerializedObject): Initializer {
  return getInitializer(serialized.className, serialized.config);
}
