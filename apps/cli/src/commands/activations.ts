/**
 * `gradwell activations`: the registry (built-ins and plugins given with --plugin) with values,
 * derivatives, gains, recommended initialisers and ranges; --plot draws f and f′ for each.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { getActivation, listActivations } from '@gradwell/activations';
import { checkOutFolder } from '../errors';
import { createOutput, num } from '../output';
import { addPluginOption, checkPlugin, failedChecks, importPlugins, loadPlugins } from '../plugins';
import { lineChart, writeSvg } from '../plots';

const PROBES = [-2, -1, 0, 0.5, 2];

/** `gradwell activations check <module>`: the conformance kit's report for each plugin the module exports. */
function checkCommand(): Command {
  return new Command('check')
    .description('run the conformance kit on the activation plugins a module exports (exit 1 when one fails)')
    .argument('<module>', 'a built .js/.mjs module exporting defineActivation(...) plugins')
    .option('--json', 'print the reports as JSON on stdout')
    .action(async (file: string, flags: { json?: boolean }, command: Command) => {
      // `activations check x.mjs --json`: commander hands --json to the parent command, which has one too.
      const out = createOutput({
        json: flags.json === true || command.parent?.opts<{ json?: boolean }>().json === true,
      });
      const reports = [];
      for (const plugin of await importPlugins(file, 'activations check')) {
        const report = await checkPlugin(plugin);
        reports.push(report);
        const failed = failedChecks(report);
        out.line(
          failed.length === 0
            ? `${plugin.name}: passes all ${report.checks.length} checks`
            : `${plugin.name}: fails ${failed.length} of ${report.checks.length} checks`,
        );
        for (const line of failed) out.line(`  ${line}`);
      }
      out.result({ module: file, reports });
      if (reports.some((r) => !r.passed)) process.exitCode = 1;
    });
}

export function activationsCommand(): Command {
  return addPluginOption(new Command('activations'))
    .addCommand(checkCommand())
    .description(
      "list the activations with values, derivatives, gains and recommended initialisers; --plot draws f and f'",
    )
    .option('--plot', "write f and f' plots (SVG)")
    .option('--out <folder>', 'where plots go', 'gradwell-activations')
    .option('--json', 'print the table as JSON on stdout')
    .action(async (flags: { plugin?: string[]; plot?: boolean; out: string; json?: boolean }) => {
      if (flags.plot === true) checkOutFolder(flags.out, 'the plots');
      const out = createOutput({ json: flags.json });
      const added = await loadPlugins(flags.plugin ?? []);
      await setupBackend();
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
