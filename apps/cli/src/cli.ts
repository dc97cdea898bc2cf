/**
 * The `gradwell` command. Every failure ends as one line on stderr — what went wrong and how to fix it —
 * and a non-zero exit code (2 for usage errors); GRADWELL_DEBUG=1 adds the stack.
 */
import { CommanderError } from 'commander';
import { CliError } from './errors';
import { colorsFor } from './output';
import { createProgram } from './program';

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
