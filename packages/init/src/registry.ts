/**
 * Initialisers by name: `getInitializer('heNormal', { negativeSlope: 0.1 })`, with the field's aliases
 * (xavier* → glorot*, kaiming* → he*, snake_case spellings). Built from one explicit list; a miss lists
 * the known names and the nearest.
 */
import { createRegistry, type Initializer, type Registry, type SerializedObject } from '@gradwell/core';
import { constant, normal, ones, truncatedNormal, uniform, zeros } from './basic';
import type { GradwellInitializer } from './initializer';
import { identity, orthogonal } from './orthogonal';
import {
  fanIn,
  glorotNormal,
  glorotSigmoidUniform,
  glorotStandard,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  varianceScaling,
} from './variance-scaling';

// Every factory takes one (optional) options object.
type Factory = (options?: never) => GradwellInitializer;

const BUILT_IN: ReadonlyArray<readonly [string, Factory, readonly string[]]> = [
  ['zeros', zeros, []],
  ['ones', ones, []],
  ['constant', constant, []],
  ['uniform', uniform, ['random_uniform']],
  ['normal', normal, ['random_normal']],
  ['truncatedNormal', truncatedNormal, ['truncated_normal']],
  ['varianceScaling', varianceScaling, ['variance_scaling']],
  ['glorotStandard', glorotStandard, ['glorot_standard']],
  ['fanIn', fanIn, ['fan_in']],
  ['glorotUniform', glorotUniform, ['glorot_uniform', 'xavierUniform', 'xavier_uniform']],
  ['glorotNormal', glorotNormal, ['glorot_normal', 'xavierNormal', 'xavier_normal']],
  ['glorotSigmoidUniform', glorotSigmoidUniform, ['glorot_sigmoid_uniform', 'xavierSigmoidUniform']],
  ['heNormal', heNormal, ['he_normal', 'kaimingNormal', 'kaiming_normal']],
  ['heUniform', heUniform, ['he_uniform', 'kaimingUniform', 'kaiming_uniform']],
  ['lecunNormal', lecunNormal, ['lecun_normal']],
  ['lecunUniform', lecunUniform, ['lecun_uniform']],
  ['orthogonal', orthogonal, []],
  ['identity', identity, ['eye']],
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
  const initializer = factory(options);
  // An option the initialiser does not take would otherwise be ignored without a word (`stddev` for `std`).
  const known = Object.keys(initializer.getConfig());
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `getInitializer: '${name}' has no option ${unknown.map((k) => `'${k}'`).join(', ')}; its options: ${known.join(', ') || 'none'}.`,
    );
  }
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
