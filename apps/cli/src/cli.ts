/**
 * The `gradwell` command. Every failure ends as one line on stderr — what went wrong and how to fix it —
 * and a non-zero exit code (2 for usage errors); GRADWELL_DEBUG=1 adds the stack.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { activationsCommand } from './commands/activations';
import { augmentCommand } from './commands/augment';
import { benchCommand } from './commands/bench';
import { doctorCommand } from './commands/doctor';
import { experimentCommand } from './commands/experiment';
import { exportCommand } from './commands/export';
import { inspectCommand } from './commands/inspect';
import { lrFindCommand } from './commands/lr-find';
import { trainCommand } from './commands/train';
import { CliError } from './errors';
import { colorsFor } from './output';

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

function fail(message: string, fix: string | undefined, code: number): never {
  const color = colorsFor(process.stderr);
  process.stderr.write(`${color.red('gradwell: error:')} ${message}${fix ? ` — ${fix}` : ''}\n`);
  process.exit(code);
}

/**
 * A reader that goes away (`gradwell train … | head -1`) closes the pipe: end quietly, as command-line
 * tools do, instead of an EPIPE error (or, after the wasm backend's set-up, a dump of its module).
 */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
}

async function main(): Promise<void> {
  exitQuietlyOnClosedPipe();
  try {
    await createProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit through here with code 0; commander has already printed its message.
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    if (process.env.GRADWELL_DEBUG === '1' && error instanceof Error)
      process.stderr.write(`${error.stack ?? ''}\n`);
    if (error instanceof CliError) fail(error.message, error.fix, error.exitCode);
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error);
    fail(message, 'run with GRADWELL_DEBUG=1 for details', 1);
  }
}

await main();
