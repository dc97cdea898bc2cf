/**
 * Activation plugins given with `--plugin <module>`: imported, run through the conformance kit (values,
 * derivative against finite differences, gradient, NaN, leaks, bad options, wasm = cpu), and registered —
 * so `train`, `experiment`, `activations` and `bench` all see them, and a wrong derivative is caught before
 * anything trains with it.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { registerActivation, type ActivationPlugin } from '@gradwell/activations';
import { checkActivation, type ConformanceReport } from '@gradwell/activations/testing';
import { CliError } from './errors';

function isPlugin(value: unknown): value is ActivationPlugin {
  const v = value as Partial<ActivationPlugin> | null;
  return (
    v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.specVersion === 'number'
  );
}

/** The activation plugins a module exports (default or named), or a one-line error. */
export async function importPlugins(file: string, flag = '--plugin'): Promise<ActivationPlugin[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    const hint = file.endsWith('.ts')
      ? 'build it to JavaScript first (tsc or tsup: see contributing/add-an-activation.md)'
      : 'pass a built .js/.mjs module that exports a defineActivation(...) plugin';
    throw new CliError(`${flag}: cannot import '${file}': ${message}`, hint, 2);
  }
  const plugins = [...new Set(Object.values(module).filter(isPlugin))];
  if (plugins.length === 0)
    throw new CliError(
      `${flag}: '${file}' exports no activation plugin`,
      'export the value returned by defineActivation(...)',
      2,
    );
  return plugins;
}

/** Runs the conformance kit on a plugin (on wasm and cpu); the report lists every check. */
export function checkPlugin(plugin: ActivationPlugin): Promise<ConformanceReport> {
  return checkActivation(plugin, { throwOnFailure: false });
}

/** One line per failed check: `[wasm] derivative equals central differences: at index 120: 1 vs 0.995`. */
export function failedChecks(report: ConformanceReport): string[] {
  return report.checks
    .filter((c) => !c.passed)
    .map((c) => `[${c.backend}] ${c.name}: ${c.detail ?? 'failed'}`);
}

/**
 * Imports, checks and registers the plugins of each module; returns their names. A plugin that fails a
 * check is not registered: the error lists the failed checks (see `gradwell activations check`).
 */
export async function loadPlugins(files: readonly string[], flag = '--plugin'): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    for (const plugin of await importPlugins(file, flag)) {
      const report = await checkPlugin(plugin);
      if (!report.passed)
        throw new CliError(
          `${flag}: '${plugin.name}' from '${file}' fails the conformance kit:\n${failedChecks(report)
            .map((line) => `  - ${line}`)
            .join('\n')}`,
          `see gradwell activations check ${file}`,
          1,
        );
      try {
        registerActivation(plugin);
      } catch (error) {
        throw new CliError(
          `${flag}: '${file}': ${(error as Error).message}`,
          'fix the plugin (see contributing/add-an-activation.md)',
          2,
        );
      }
      names.push(plugin.name);
    }
  }
  return names;
}

/** Adds the repeatable `--plugin <module>` option (every command that resolves activations has it). */
export function addPluginOption(command: Command): Command {
  return command.option(
    '--plugin <module>',
    'check and register the activation plugins a module exports (repeatable)',
    (value: string, previous: string[] = []) => [...previous, value],
  );
}
