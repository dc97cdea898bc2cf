/**
 * The activation registry: built-ins from one explicit list, plus plugins registered by users.
 * Canonical names are camelCase; each also answers to its snake_case and lower-case spellings
 * (`leaky_relu`, `leakyrelu`) and to the plugin's own aliases (`silu`). Duplicates throw; a miss lists
 * the known names and the nearest one.
 */
import { createRegistry, type Registry } from '@gradwell/core';
import { BUILT_IN_ACTIVATIONS } from './catalogue';
import {
  ACTIVATION_PLUGIN_SPEC_VERSION,
  type Activation,
  type ActivationOptions,
  type ActivationPlugin,
} from './define-activation';

const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/;

/** `leakyRelu` → [`leaky_relu`, `leakyrelu`]; names without capitals have none. */
export function derivedAliases(name: string): string[] {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return [...new Set([snake, name.toLowerCase()])].filter((alias) => alias !== name);
}

let registry: Registry<ActivationPlugin> | undefined;

function activationRegistry(): Registry<ActivationPlugin> {
  if (registry === undefined) {
    registry = createRegistry<ActivationPlugin>('activation');
    for (const plugin of BUILT_IN_ACTIVATIONS) addPlugin(registry, plugin);
  }
  return registry;
}

function addPlugin(target: Registry<ActivationPlugin>, plugin: ActivationPlugin): void {
  const aliases = [...new Set([...derivedAliases(plugin.name), ...(plugin.aliases ?? [])])].filter(
    (alias) => alias !== plugin.name,
  );
  target.register(plugin.name, plugin, { aliases });
}

/**
 * Registers an outside activation. Throws on an unsupported contract version, a name that is not
 * camelCase, or a name/alias that is taken (nothing is registered then).
 */
export function registerActivation(plugin: ActivationPlugin): void {
  const given = plugin as { name?: unknown; specVersion?: unknown };
  if (given.specVersion !== ACTIVATION_PLUGIN_SPEC_VERSION) {
    throw new Error(
      `registerActivation: plugin '${String(given.name)}' implements contract version ${String(given.specVersion)}, ` +
        `this @gradwell/activations supports version ${ACTIVATION_PLUGIN_SPEC_VERSION}.`,
    );
  }
  if (typeof plugin.name !== 'string' || !CAMEL_CASE.test(plugin.name)) {
    throw new Error(
      `registerActivation: a plugin name must be camelCase (like 'bentIdentity'), got ${JSON.stringify(plugin.name)}.`,
    );
  }
  if (typeof plugin.create !== 'function')
    throw new Error(`registerActivation: plugin '${plugin.name}' has no create().`);
  addPlugin(activationRegistry(), plugin);
}

/** The activation called `name` (or an alias), made with `options`. */
export function getActivation(name: string, options?: ActivationOptions): Activation {
  return activationRegistry().get(name).create(options);
}

/** The plugin behind a name or alias. */
export function getActivationPlugin(name: string): ActivationPlugin {
  return activationRegistry().get(name);
}

/** Canonical names of every registered activation, sorted. */
export function listActivations(): string[] {
  return activationRegistry().list();
}

/** Every alias with the canonical name it resolves to. */
export function listActivationAliases(): Record<string, string> {
  return activationRegistry().aliases();
}
