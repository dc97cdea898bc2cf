/**
 * `gradwell experiment <name>`: the lecture's studies, one command each — a table on the terminal, SVG
 * plots and results.json in --out. The experiments themselves live in @gradwell/trainer, shared with the
 * web app; experiments-signal.ts and experiments-regularisation.ts say how each is run and shown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { findNearestName, setupBackend } from '@gradwell/core';
import { checkOutFolder, CliError, numberFlag } from '../errors';
import { createOutput, type Output } from '../output';
import { writeSvg } from '../plots';
import { addPluginOption, loadPlugins } from '../plugins';
import type { ExperimentContext, ExperimentDefinition, ExperimentPresentation } from './experiment-context';
import { REGULARISATION_EXPERIMENTS } from './experiments-regularisation';
import { SIGNAL_EXPERIMENTS } from './experiments-signal';

const EXPERIMENTS: Record<string, ExperimentDefinition> = {
  ...SIGNAL_EXPERIMENTS,
  ...REGULARISATION_EXPERIMENTS,
};

export const EXPERIMENT_NAMES = Object.keys(EXPERIMENTS);

interface ExperimentFlags {
  plugin?: string[];
  quick?: boolean;
  limit?: string;
  seed: string;
  out: string;
  json?: boolean;
}

/** The one renderer: the intro and the table on the terminal, the charts and results.json in the folder. */
async function present(
  out: Output,
  presentation: ExperimentPresentation,
  results: unknown,
  dir: string,
): Promise<string[]> {
  for (const line of presentation.intro ?? []) out.line(line);
  out.table(presentation.table.head, presentation.table.rows);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const chart of presentation.charts) files.push(await writeSvg(chart.spec, path.join(dir, chart.file)));
  const resultsFile = path.join(dir, 'results.json');
  writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  files.push(resultsFile);
  out.line(`files: ${files.join(', ')}`);
  return files;
}

export function experimentCommand(): Command {
  return addPluginOption(new Command('experiment'))
    .description(`run one of the lecture's studies: ${EXPERIMENT_NAMES.join(', ')}`)
    .argument('<name>', EXPERIMENT_NAMES.join(' | '))
    .option('--quick', 'smaller data and fewer epochs (a minute or so)')
    .option('--limit <n>', 'training examples to use')
    .option('--seed <n>', 'seed', '1')
    .option('--out <folder>', 'where the plots and results.json go', 'gradwell-experiments')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `\nexperiments:\n${EXPERIMENT_NAMES.map((name) => `  ${name.padEnd(16)} ${EXPERIMENTS[name]!.description}`).join('\n')}`,
    )
    .action(async (name: string, flags: ExperimentFlags) => {
      const experiment = EXPERIMENTS[name];
      if (experiment === undefined) {
        const nearest = findNearestName(name, EXPERIMENT_NAMES);
        throw new CliError(
          `unknown experiment '${name}'${nearest === undefined ? '' : ` (did you mean '${nearest}'?)`}`,
          `choose one of ${EXPERIMENT_NAMES.join(', ')}`,
          2,
        );
      }
      if (experiment.ownInputs === true && flags.limit !== undefined)
        throw new CliError(
          `--limit sets the training examples, and '${name}' draws its own random inputs`,
          'drop --limit (--quick makes the study smaller)',
          2,
        );
      checkOutFolder(flags.out, 'the plots and results.json');
      checkOutFolder(path.join(flags.out, name), 'the plots and results.json');
      const out = createOutput({ json: flags.json });
      const plugins = await loadPlugins(flags.plugin ?? []);
      const context: ExperimentContext = {
        plugins,
        seed: numberFlag('--seed', flags.seed, { min: 0, integer: true }) as number,
        quick: flags.quick === true,
        limit: numberFlag('--limit', flags.limit, { min: 10, integer: true }),
      };
      await setupBackend();
      out.line(out.color.bold(`experiment ${name}: ${experiment.description}`));
      for (const line of experiment.before?.() ?? []) out.line(line);
      const before = tf.memory().numTensors;
      const results = await experiment.run(context);
      const files = await present(out, experiment.present(results), results, path.join(flags.out, name));
      out.result({ experiment: name, results, files, leakedTensors: tf.memory().numTensors - before });
    });
}
