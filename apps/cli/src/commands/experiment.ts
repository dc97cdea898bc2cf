/**
 * `gradwell experiment <name>`: the lecture's studies, one command each — a table on the terminal, SVG
 * plots and results.json in --out. The experiments themselves live in @gradwell/trainer (and batchnorm),
 * shared with the web app.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { CliError, numberFlag } from '../errors';
import { createOutput } from '../output';
import { writeSvg } from '../plots';
import type { Context, Experiment } from './experiment-context';
import { REGULARISATION_EXPERIMENTS } from './experiments-regularisation';
import { SIGNAL_EXPERIMENTS } from './experiments-signal';

const EXPERIMENTS: Record<string, Experiment> = { ...SIGNAL_EXPERIMENTS, ...REGULARISATION_EXPERIMENTS };

export const EXPERIMENT_NAMES = Object.keys(EXPERIMENTS);

// (definitions: experiments-signal.ts, experiments-regularisation.ts)
export function experimentCommand(): Command {
  return new Command('experiment')
    .description(`run one of the lecture's studies: ${EXPERIMENT_NAMES.join(', ')}`)
    .argument('<name>', EXPERIMENT_NAMES.join(' | '))
    .option('--quick', 'smaller data and fewer epochs (a minute or so)')
    .option('--limit <n>', 'training examples to use')
    .option('--seed <n>', 'seed', '1')
    .option('--out <folder>', 'where the plots and results.json go', 'gradwell-experiments')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `\nexperiments:\n${EXPERIMENT_NAMES.map((n) => `  ${n.padEnd(16)} ${EXPERIMENTS[n]!.description}`).join('\n')}`,
    )
    .action(
      async (
        name: string,
        flags: { quick?: boolean; limit?: string; seed: string; out: string; json?: boolean },
      ) => {
        const experiment = EXPERIMENTS[name];
        if (experiment === undefined)
          throw new CliError(
            `unknown experiment '${name}'`,
            `choose one of ${EXPERIMENT_NAMES.join(', ')}`,
            2,
          );
        const out = createOutput({ json: flags.json });
        const context: Context = {
          out,
          seed: numberFlag('--seed', flags.seed, { min: 0, integer: true }) as number,
          quick: flags.quick === true,
          limit: numberFlag('--limit', flags.limit, { min: 10, integer: true }),
          plots: [],
        };
        await setupBackend();
        out.line(out.color.bold(`experiment ${name}: ${experiment.description}`));
        const before = tf.memory().numTensors;
        const results = await experiment.run(context);
        const dir = path.join(flags.out, name);
        mkdirSync(dir, { recursive: true });
        const files = [];
        for (const plot of context.plots) files.push(await writeSvg(plot.spec, path.join(dir, plot.name)));
        const resultsFile = path.join(dir, 'results.json');
        writeFileSync(resultsFile, JSON.stringify(results, null, 2));
        files.push(resultsFile);
        out.line(`files: ${files.join(', ')}`);
        out.result({ experiment: name, results, files, leakedTensors: tf.memory().numTensors - before });
      },
    );
}
