/**
 * `gradwell activations`: the registry (built-ins and plugins given with --plugin) with values,
 * derivatives, gains, recommended initialisers and ranges; --plot draws f and f′ for each.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import {
  getActivation,
  listActivations,
  registerActivation,
  type ActivationPlugin,
} from '@gradwell/activations';
import { CliError } from '../errors';
import { createOutput, num } from '../output';
import { lineChart, writeSvg } from '../plots';

const PROBES = [-2, -1, 0, 0.5, 2];

function isPlugin(value: unknown): value is ActivationPlugin {
  const v = value as Partial<ActivationPlugin> | null;
  return (
    v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.specVersion === 'number'
  );
}

/** Imports a plugin module and registers every activation plugin it exports; returns their names. */
export async function loadPlugin(file: string): Promise<string[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      `--plugin: cannot import '${file}': ${(error as Error).message.split('\n')[0]}`,
      'pass a built .js/.mjs module that exports a defineActivation(...) plugin',
      2,
    );
  }
  const plugins = Object.values(module).filter(isPlugin);
  if (plugins.length === 0)
    throw new CliError(
      `--plugin: '${file}' exports no activation plugin`,
      'export the value returned by defineActivation(...)',
      2,
    );
  for (const plugin of plugins) {
    try {
      registerActivation(plugin);
    } catch (error) {
      throw new CliError(
        `--plugin: '${file}': ${(error as Error).message}`,
        'fix the plugin (see contributing/add-an-activation.md)',
        2,
      );
    }
  }
  return plugins.map((p) => p.name);
}

export function activationsCommand(): Command {
  return new Command('activations')
    .description(
      "list the activations with values, derivatives, gains and recommended initialisers; --plot draws f and f'",
    )
    .option('--plugin <module...>', 'register activation plugins from these modules first')
    .option('--plot', "write f and f' plots (SVG)")
    .option('--out <folder>', 'where plots go', 'gradwell-activations')
    .option('--json', 'print the table as JSON on stdout')
    .action(async (flags: { plugin?: string[]; plot?: boolean; out: string; json?: boolean }) => {
      const out = createOutput({ json: flags.json });
      await setupBackend();
      const added: string[] = [];
      for (const file of flags.plugin ?? []) added.push(...(await loadPlugin(file)));
      const x = tf.tensor1d(PROBES);
      const rows = listActivations().map((name) => {
        const a = getActivation(name);
        const [f, d] = tf.tidy(() => [
          Array.from(a.apply(x).dataSync()),
          Array.from(a.derivative(x).dataSync()),
        ]);
        return {
          name,
          plugin: added.includes(name),
          values: f,
          derivatives: d,
          gain: a.gain,
          recommendedInit: a.recommendedInit,
          range: a.range,
          paper: a.paper ? `${a.paper.authors} ${a.paper.year}` : undefined,
        };
      });
      x.dispose();
      out.line(`f(x) and f′(x) at x = ${PROBES.join(', ')}`);
      out.table(
        [
          'activation',
          ...PROBES.map((p) => `f(${p})`),
          ...PROBES.map((p) => `f′(${p})`),
          'gain',
          'init',
          'range',
        ],
        rows.map((r) => [
          r.plugin ? `${r.name} (plugin)` : r.name,
          ...r.values.map((v) => num(v, 3)),
          ...r.derivatives.map((v) => num(v, 3)),
          num(r.gain, 4),
          r.recommendedInit,
          `[${r.range.map((v) => num(v, 3)).join(', ')}]`,
        ]),
      );
      const files: string[] = [];
      if (flags.plot === true) {
        mkdirSync(flags.out, { recursive: true });
        const grid = tf.linspace(-4, 4, 161);
        const xs = Array.from(grid.dataSync());
        const series = listActivations()
          .filter((name) => getActivation(name).elementwise)
          .flatMap((name) => {
            const a = getActivation(name);
            const [f, d] = tf.tidy(() => [
              Array.from(a.apply(grid).dataSync()),
              Array.from(a.derivative(grid).dataSync()),
            ]);
            return [
              { name: 'f', panel: name, points: xs.map((v, i) => ({ x: v, y: f[i] as number })) },
              { name: "f'", panel: name, points: xs.map((v, i) => ({ x: v, y: d[i] as number })) },
            ];
          });
        grid.dispose();
        files.push(
          await writeSvg(
            lineChart({
              title: "activations: f and f'",
              series,
              xTitle: 'x',
              yTitle: 'value',
              width: 220,
              height: 140,
            }),
            path.join(flags.out, 'activations.svg'),
          ),
        );
        out.line(`wrote ${files.join(', ')}`);
      }
      out.result({ activations: rows, plugins: added, files });
    });
}
