/**
 * `gradwell bench`: runs the workspace benchmarks (scripts/bench.mjs of a gradwell checkout) and prints
 * the table; `--list` shows the suites.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { CliError } from '../errors';
import { createOutput } from '../output';
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

export function listSuites(root: string): Array<{ package: string; suite: string; file: string }> {
  const packages = path.join(root, 'packages');
  return readdirSync(packages).flatMap((pkg) => {
    const dir = path.join(packages, pkg, 'bench');
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.bench.mjs'))
          .map((f) => ({
            package: pkg,
            suite: f.replace(/\.bench\.mjs$/, ''),
            file: path.relative(root, path.join(dir, f)),
          }))
      : [];
  });
}

export function benchCommand(): Command {
  return addPluginOption(new Command('bench'))
    .description('run the workspace benchmarks and print the table (inside a gradwell checkout)')
    .argument('[filters...]', 'only suites whose package or file name contains one of these')
    .option('--quick', 'fewer runs, the slowest references skipped')
    .option('--list', 'list the suites and exit')
    .option('--json', 'print the results (or the list) as JSON on stdout')
    .addHelpText('after', '\n--plugin <module>: the activations suite measures the plugins (apply vs autodiff) instead of the built-ins')
    .action(async (filters: string[], flags: { plugin?: string[]; quick?: boolean; list?: boolean; json?: boolean }) => {
      const out = createOutput({ json: flags.json });
      const root = findWorkspace();
      if (root === undefined)
        throw new CliError(
          'gradwell bench runs the workspace benchmarks, and this folder is not inside a gradwell checkout',
          'cd into a clone of gradwell (after pnpm install && pnpm build)',
          2,
        );
      // With --plugin and no filter, the suite that measures plugins: activations.
      const chosen = filters.length === 0 && (flags.plugin ?? []).length > 0 ? ['activations'] : filters;
      const suites = listSuites(root).filter(
        (s) => chosen.length === 0 || chosen.some((f) => s.file.includes(f)),
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
          `no benchmark suite matches ${chosen.join(', ')}`,
          'see gradwell bench --list',
          2,
        );
      // A plugin is checked here (a wrong derivative fails fast), then measured by the activations suite.
      const plugins = flags.plugin ?? [];
      await loadPlugins(plugins);
      const result = spawnSync(
        process.execPath,
        [
          path.join(root, 'scripts', 'bench.mjs'),
          ...chosen,
          ...(flags.quick ? ['--quick'] : []),
          ...plugins.flatMap((file) => ['--plugin', path.resolve(file)]),
        ],
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
    });
}
