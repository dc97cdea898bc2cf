/**
 * `gradwell bench`: runs the workspace benchmarks (scripts/bench.mjs of a gradwell checkout) and prints
 * the table; `--list` shows the suites.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { CliError } from '../errors';
import { getActivation } from '@gradwell/activations';
import { measureActivation } from '@gradwell/activations/testing';
import { setupBackend } from '@gradwell/core';
import { createOutput, num, type Output } from '../output';
import { addPluginOption, loadPlugins } from '../plugins';

/** The gradwell checkout around `start` (a folder with scripts/bench.mjs and packages/*). */
export function findWorkspace(start = process.cwd()): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'scripts', 'bench.mjs')) && existsSync(path.join(dir, 'packages')))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The suites scripts/bench.mjs runs: `packages/<name>/bench/*.bench.mjs` and `apps/<name>/bench/*.bench.mjs`. */
export function listSuites(root: string): Array<{ package: string; suite: string; file: string }> {
  const folders = ['packages', 'apps'].flatMap((kind) =>
    existsSync(path.join(root, kind))
      ? readdirSync(path.join(root, kind)).map((name) => ({
          name,
          dir: path.join(root, kind, name, 'bench'),
        }))
      : [],
  );
  return folders.flatMap(({ name, dir }) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.bench.mjs'))
          .map((f) => ({
            package: name,
            suite: f.replace(/\.bench\.mjs$/, ''),
            file: path.relative(root, path.join(dir, f)),
          }))
      : [],
  );
}

/**
 * `bench activations --plugin <module>`: checks the plugins (a wrong derivative fails first), then times
 * each like the built-ins' suite does — forward + backward of 1M elements on wasm through `apply` and
 * through autodiff of `forward` — in this process, so it works outside a checkout too.
 */
async function benchPlugins(out: Output, filters: string[], files: string[], quick: boolean): Promise<void> {
  if (filters.some((f) => f !== 'activations'))
    throw new CliError(
      '--plugin measures activations',
      'run gradwell bench activations --plugin <module>',
      2,
    );
  const names = await loadPlugins(files);
  await setupBackend({ backend: 'wasm' });
  const rows = names.map((name) => measureActivation(getActivation(name), { runs: quick ? 5 : 15 }));
  out.line(out.color.bold('forward + backward of 1M elements on wasm (median ms; interleaved rounds)'));
  out.table(
    ['activation', 'apply', 'autodiff', 'apply vs autodiff', 'verdict'],
    rows.map((r) => [
      r.name,
      num(r.applyMs, 3),
      num(r.autodiffMs, 3),
      `${num(r.autodiffMs / r.applyMs, 3)}×`,
      !r.customGradient
        ? 'customGradient: false (tfjs differentiates forward)'
        : r.applyMs <= r.autodiffMs * 1.05
          ? 'keep customGradient: true'
          : 'slower than autodiff: set customGradient: false',
    ]),
  );
  out.result({ plugins: rows });
}

export function benchCommand(): Command {
  return addPluginOption(new Command('bench'))
    .description('run the workspace benchmarks and print the table (inside a gradwell checkout)')
    .argument('[filters...]', 'only suites whose package or file name contains one of these')
    .option('--quick', 'fewer runs, the slowest references skipped')
    .option('--list', 'list the suites and exit')
    .option('--json', 'print the results (or the list) as JSON on stdout')
    .addHelpText(
      'after',
      '\nbench activations --plugin <module>: measure the plugins a module exports (apply vs autodiff), anywhere',
    )
    .action(
      async (
        filters: string[],
        flags: { plugin?: string[]; quick?: boolean; list?: boolean; json?: boolean },
      ) => {
        const out = createOutput({ json: flags.json });
        if ((flags.plugin ?? []).length > 0)
          return benchPlugins(out, filters, flags.plugin ?? [], flags.quick === true);
        const root = findWorkspace();
        if (root === undefined)
          throw new CliError(
            'gradwell bench runs the workspace benchmarks, and this folder is not inside a gradwell checkout',
            'cd into a clone of gradwell (after pnpm install && pnpm build)',
            2,
          );
        const suites = listSuites(root).filter(
          (s) => filters.length === 0 || filters.some((f) => s.file.includes(f)),
        );
        if (flags.list === true) {
          out.table(
            ['package', 'suite', 'file'],
            suites.map((s) => [s.package, s.suite, s.file]),
          );
          out.result({ suites });
          return;
        }
        if (suites.length === 0)
          throw new CliError(
            `no benchmark suite matches ${filters.join(', ')}`,
            'see gradwell bench --list',
            2,
          );
        const result = spawnSync(
          process.execPath,
          [path.join(root, 'scripts', 'bench.mjs'), ...filters, ...(flags.quick ? ['--quick'] : [])],
          {
            cwd: root,
            stdio: ['ignore', flags.json ? 'pipe' : 'inherit', 'inherit'],
            encoding: 'utf8',
          },
        );
        if (result.status !== 0)
          throw new CliError(
            `the benchmarks failed (exit code ${result.status ?? result.signal})`,
            'run pnpm build first; see the output above',
          );
        if (flags.json === true) {
          out.result(JSON.parse(readFileSync(path.join(root, 'bench-results.json'), 'utf8')) as unknown);
        }
      },
    );
}
