/** The `gradwell` command tree, apart from running it, so tests can read its commands and options. */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { activationsCommand } from './commands/activations';
import { augmentCommand } from './commands/augment';
import { benchCommand } from './commands/bench';
import { compareCommand } from './commands/compare';
import { doctorCommand } from './commands/doctor';
import { evaluateCommand } from './commands/evaluate';
import { experimentCommand } from './commands/experiment';
import { exportCommand } from './commands/export';
import { inspectCommand } from './commands/inspect';
import { lrFindCommand } from './commands/lr-find';
import { predictCommand } from './commands/predict';
import { trainCommand } from './commands/train';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function createProgram(): Command {
  const program = new Command('gradwell')
    .description(
      "train neural networks well: the lecture's techniques on MNIST and your data, on the wasm backend",
    )
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const command of [
    trainCommand(),
    lrFindCommand(),
    evaluateCommand(),
    compareCommand(),
    predictCommand(),
    experimentCommand(),
    exportCommand(),
    inspectCommand(),
    augmentCommand(),
    activationsCommand(),
    benchCommand(),
    doctorCommand(),
  ]) {
    command.exitOverride().showHelpAfterError(`(see gradwell ${command.name()} --help)`);
    program.addCommand(command);
  }
  return program;
}
