/**
 * Every `gradwell …` command line the docs show — in a shell block (`$ gradwell …`, `pnpm gradwell …`) or
 * an inline code span — names a real command, only flags that command has, and no more operands than it
 * takes; `train` and `lr-find` lines also have every value read and every combination checked, as the
 * command itself does before it trains. A renamed flag or command fails here, not in a reader's terminal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'shell-quote';
import { describe, expect, test } from 'vitest';
import { repositoryDocs } from '@gradwell/test-utils';
import { createProgram } from '../src/program';
import { checkOptionsApply, givenOnCommandLine, resolveTrainConfig } from '../src/commands/train-options';
import { checkNames } from '../src/commands/train-recipe';
import { here } from './cli-process';

const root = path.resolve(here, '../../..');

const COMMAND = /^(?:pnpm |npx )?gradwell\s/;

/** The command lines of one doc, each with where it stands (`file:line`). */
function commandsIn(
  file: string,
  text = readFileSync(path.join(root, file), 'utf8'),
): Array<{ where: string; line: string; inline: boolean }> {
  const lines = text.split('\n');
  const found: Array<{ where: string; line: string; inline: boolean }> = [];
  let block: Array<{ at: number; text: string }> | undefined;
  lines.forEach((text, index) => {
    if (text.startsWith('```')) {
      if (block === undefined) block = [];
      else {
        // A block with `$ ` prompts mixes commands with their output: only the prompted lines are commands.
        const prompted = block.some((l) => l.text.startsWith('$ '));
        for (const l of block) {
          const command = prompted ? (l.text.startsWith('$ ') ? l.text.slice(2) : '') : l.text;
          if (COMMAND.test(command)) found.push({ where: `${file}:${l.at}`, line: command, inline: false });
        }
        block = undefined;
      }
      return;
    }
    if (block !== undefined) block.push({ at: index + 1, text });
    else
      for (const match of text.matchAll(/`([^`]+)`/g))
        if (COMMAND.test(match[1] as string))
          found.push({ where: `${file}:${index + 1}`, line: match[1] as string, inline: true });
  });
  return found;
}

/**
 * The words of a command line after `gradwell`, up to a pipe or the end; `placeholder` when it holds a
 * stand-in (`<image>`, `[filters…]`, `…`, `(30 layers)`) whose value no reader could take.
 */
function words(line: string): { args: string[]; placeholder: boolean } {
  const args: string[] = [];
  const text = line.replace(COMMAND, '').replace(/<[^>]*>|\[[^\]]*\]|\([^)]*\)/g, '…');
  for (const entry of parse(text)) {
    if (typeof entry !== 'string') break; // a comment, or `| head -1`: the command ends there
    args.push(entry);
  }
  return { args, placeholder: args.some((word) => word.includes('…')) };
}

/** The program with its error output kept to the thrown error (the refusals below are expected). */
function quiet(command: Command): Command {
  command.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  command.commands.forEach(quiet);
  return command;
}

/** The command the words name (descending into `activations check`), and the words left for it. */
function resolveCommand(args: string[]): { command: Command | undefined; rest: string[] } {
  let command: Command = quiet(createProgram());
  let rest = args;
  for (;;) {
    const next = command.commands.find((c) => c.name() === rest[0] || c.aliases().includes(rest[0] ?? ''));
    if (next === undefined) break;
    command = next;
    rest = rest.slice(1);
  }
  return { command: command.name() === 'gradwell' ? undefined : command, rest };
}

/**
 * Checks one command line as the command would read it. An inline mention (`gradwell inspect` in a
 * sentence) may leave out the operands; a line in a shell block is a whole command.
 */
function checkCommandLine(line: string, inline = false): void {
  const { args, placeholder } = words(line);
  if (args[0]?.includes('…') === true) return; // `gradwell <command>`: any command
  const { command, rest } = resolveCommand(args);
  const known = createProgram()
    .commands.map((c) => c.name())
    .join(', ');
  expect(command, `'${args[0] ?? ''}' is not a gradwell command (${known})`).toBeDefined();
  if (command === undefined) return;
  const { operands, unknown } = command.parseOptions(rest);
  expect(unknown, `gradwell ${command.name()} has no option ${unknown[0] ?? ''}`).toEqual([]);
  const declared = command.registeredArguments;
  const required = declared.filter((a) => a.required).length;
  const most = declared.some((a) => a.variadic) ? Infinity : declared.length;
  expect(
    operands.length,
    `operands of gradwell ${command.name()}: ${operands.join(' ')}`,
  ).toBeGreaterThanOrEqual(placeholder || inline ? 0 : required);
  expect(
    operands.length,
    `operands of gradwell ${command.name()}: ${operands.join(' ')}`,
  ).toBeLessThanOrEqual(most);
  // train and lr-find read every value before they load data: the same readers, the same refusals.
  const readsValues = ['train', 'lr-find'].includes(command.name());
  const fromFile = rest.includes('--config') || rest.includes('--resume');
  if (readsValues && !placeholder && !fromFile) {
    const config = resolveTrainConfig(command);
    checkOptionsApply(config, givenOnCommandLine(command));
    if (!rest.includes('--plugin')) checkNames(config); // a plugin's names come with its module
  }
}

const documented = repositoryDocs(root).flatMap((file) => commandsIn(file));

describe('the command lines the docs show', () => {
  test('are found in the README, the CLI guide and the docs', () => {
    const files = new Set(documented.map((d) => d.where.split(':')[0]));
    for (const file of ['README.md', 'apps/cli/README.md', 'docs/beyond-one-machine.md'])
      expect(files.has(file), file).toBe(true);
    expect(documented.length).toBeGreaterThan(40);
  });

  test.each(documented.map((d) => [d.where, d.line, d.inline] as const))('%s: %s', (_where, line, inline) => {
    checkCommandLine(line, inline);
  });
});

describe('the check itself', () => {
  test.each([
    ['gradwell trian --epochs 2', /not a gradwell command/],
    ['gradwell train --epoch 2', /has no option --epoch/],
    ['gradwell export', /operands/],
    ['gradwell inspect a b', /operands/],
    ['gradwell train --init glorotUniformm', /--init/],
    ['gradwell train --model cnn --hidden 64', /--hidden/],
    ['gradwell lr-find --limit', /argument missing/],
    ['gradwell train --plugin my.mjs --activation myActivation --epochs 0', /--epochs/],
    ['gradwell train --out README.md', /--out/],
  ])('refuses %s', (line, message) => {
    expect(() => checkCommandLine(line)).toThrow(message);
  });

  test('lets an inline mention leave out operands, and `gradwell <command>` stand for any command', () => {
    expect(() => checkCommandLine('gradwell inspect', true)).not.toThrow();
    expect(() => checkCommandLine('gradwell inspect a b', true)).toThrow(/operands/);
    expect(() => checkCommandLine('pnpm gradwell <command>')).not.toThrow();
  });

  test('reads prompted lines, plain lines and inline spans; leaves output, other commands and comments', () => {
    const doc = [
      'Run `gradwell doctor` first, then `pnpm install`.',
      '```sh',
      'pnpm gradwell train --hidden 64   # a comment',
      'ls gradwell-run',
      '```',
      '```console',
      '$ gradwell inspect run',
      'gradwell inspect — output, not a command',
      '```',
    ].join('\n');
    expect(commandsIn('doc.md', doc)).toEqual([
      { where: 'doc.md:1', line: 'gradwell doctor', inline: true },
      { where: 'doc.md:3', line: 'pnpm gradwell train --hidden 64   # a comment', inline: false },
      { where: 'doc.md:7', line: 'gradwell inspect run', inline: false },
    ]);
    expect(words('pnpm gradwell train --hidden 64   # a comment')).toEqual({
      args: ['train', '--hidden', '64'],
      placeholder: false,
    });
    expect(words('gradwell train | head -1').args).toEqual(['train']);
    expect(words('gradwell augment <image> --count 8')).toEqual({
      args: ['augment', '…', '--count', '8'],
      placeholder: true,
    });
    expect(words('gradwell train --hidden 32,32,…(30 layers) --epochs 2').args).toEqual([
      'train',
      '--hidden',
      '32,32,……',
      '--epochs',
      '2',
    ]);
  });
});
