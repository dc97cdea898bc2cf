/**
 * `gradwell compare <run> <run> …`: `gradwell train --out` folders side by side — each run's final and best
 * held-out figures and its test result, the options in which the runs differ, and with `--out` their
 * curves overlaid (loss and accuracy by epoch, training and held-out). Reads config.json, history.json and
 * result.json — or, for a `--checkpoint-dir` folder (a run that was stopped, or never wrote `--out`), the
 * history its latest checkpoint holds; trains and evaluates nothing.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { directoryStore } from '@gradwell/trainer/node';
import { checkOutFolder, CliError } from '../errors';
import { createOutput, num, percent } from '../output';
import { lineChart, writeSvg } from '../plots';
import type { HistoryEntry, RunResult } from './train-report';

/** Options that say where a run wrote, not how it trained. */
const PLACES = new Set(['out', 'checkpointDir', 'resume', 'config']);

interface ComparedRun {
  name: string;
  folder: string;
  config: Record<string, unknown>;
  history: HistoryEntry[];
  /** Absent for a run written before result.json was, and for a checkpoint folder. */
  result: RunResult | null;
  /** The checkpoint the history came from, for a checkpoint folder. */
  checkpoint: string | null;
}

export interface RunComparison {
  runs: Array<{
    name: string;
    folder: string;
    epochs: number;
    heldOut: string | null;
    trainLoss: number | null;
    heldOutLoss: number | null;
    heldOutAccuracy: number | null;
    /** The epoch (1-based) of the lowest held-out loss, and that loss. */
    best: { epoch: number; heldOutLoss: number } | null;
    testAccuracy: number | null;
    testLoss: number | null;
    secondsPerEpoch: number | null;
    stopReason: string | null;
    /** The checkpoint whose history this is, for a checkpoint folder. */
    checkpoint: string | null;
  }>;
  /** Each option that is not the same in every run: its value per run (null: not set, the default). */
  differences: Array<{ option: string; values: unknown[] }>;
  files: string[];
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new CliError(`compare: ${file} is not ${what}: ${(error as Error).message}`, undefined, 2);
  }
}

async function readRun(given: string): Promise<Omit<ComparedRun, 'name'>> {
  const folder = path.resolve(given);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new CliError(`compare: '${given}' is not a folder`, 'give gradwell train --out folders', 2);
  const file = (name: string) => path.join(folder, name);
  const checkpoint = existsSync(file('history.json'))
    ? null
    : ((await directoryStore(folder).latest()) ?? null);
  for (const name of ['config.json', ...(checkpoint === null ? ['history.json'] : [])])
    if (!existsSync(file(name)))
      throw new CliError(
        `compare: '${given}' has no ${name}: it is not a gradwell train --out or --checkpoint-dir folder`,
        'give the folders gradwell train wrote',
        2,
      );
  const config = readJson(file('config.json'), 'a run config');
  const history =
    checkpoint === null
      ? readJson(file('history.json'), 'a training history')
      : (
          readJson(path.join(folder, checkpoint, 'training.json'), 'a training state') as {
            history?: unknown;
          }
        ).history;
  if (config === null || typeof config !== 'object' || Array.isArray(config) || !Array.isArray(history))
    throw new CliError(
      `compare: '${given}' holds a config.json or history.json that gradwell train did not write`,
      undefined,
      2,
    );
  const result = existsSync(file('result.json'))
    ? (readJson(file('result.json'), 'a run result') as RunResult)
    : null;
  return {
    folder,
    config: config as Record<string, unknown>,
    history: history as HistoryEntry[],
    result,
    checkpoint,
  };
}

/** Short names: the folders' own names, or their paths from the working folder where two share one. */
function namesOf(folders: string[]): string[] {
  const base = folders.map((f) => path.basename(f));
  return base.map((b, i) =>
    base.indexOf(b) === base.lastIndexOf(b) ? b : path.relative(process.cwd(), folders[i] as string) || b,
  );
}

function compareRuns(runs: ComparedRun[]): Omit<RunComparison, 'files'> {
  const options = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].filter((k) => !PLACES.has(k));
  const differences = options
    .map((option) => ({ option, values: runs.map((r) => r.config[option] ?? null) }))
    .filter(({ values }) => new Set(values.map((v) => JSON.stringify(v))).size > 1);
  return {
    runs: runs.map((r) => {
      const complete = r.history.filter((h) => h.partial !== true);
      const last = complete.at(-1);
      const value = (h: HistoryEntry | undefined, key: string) =>
        typeof h?.[key] === 'number' ? h[key] : null;
      const scored = complete
        .map((h, i) => ({ epoch: i + 1, heldOutLoss: value(h, 'valLoss') }))
        .filter((e): e is { epoch: number; heldOutLoss: number } => e.heldOutLoss !== null);
      const seconds = complete.map((h) => value(h, 'seconds')).filter((s): s is number => s !== null);
      return {
        name: r.name,
        folder: r.folder,
        epochs: complete.length,
        heldOut: r.result?.heldOut ?? null,
        trainLoss: value(last, 'loss'),
        heldOutLoss: value(last, 'valLoss'),
        heldOutAccuracy: value(last, 'valAccuracy'),
        best: scored.reduce<(typeof scored)[number] | null>(
          (b, e) => (b === null || e.heldOutLoss < b.heldOutLoss ? e : b),
          null,
        ),
        testAccuracy: r.result?.testAccuracy ?? null,
        testLoss: r.result?.testLoss ?? null,
        secondsPerEpoch: seconds.length === 0 ? null : seconds.reduce((a, b) => a + b, 0) / seconds.length,
        stopReason: r.result?.stopReason ?? null,
        checkpoint: r.checkpoint,
      };
    }),
    differences,
  };
}

/** loss.svg and accuracy.svg (every run's training and held-out curves, in two panels), comparison.json. */
async function writeFiles(
  folder: string,
  runs: ComparedRun[],
  comparison: Omit<RunComparison, 'files'>,
): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (const [metric, heldOutKey] of [
    ['loss', 'valLoss'],
    ['accuracy', 'valAccuracy'],
  ] as const) {
    const series = runs.flatMap((r) => {
      const complete = r.history.filter((h) => h.partial !== true);
      const curve = (key: string) =>
        complete.map((h, i) => ({ x: i + 1, y: typeof h[key] === 'number' ? h[key] : Number.NaN }));
      return [
        { name: r.name, panel: 'training', points: curve(metric) },
        { name: r.name, panel: 'held out', points: curve(heldOutKey) },
      ];
    });
    files.push(
      await writeSvg(
        lineChart({ title: `${metric} by epoch`, series, xTitle: 'epoch', yTitle: metric, width: 320 }),
        path.join(folder, `${metric}.svg`),
      ),
    );
  }
  const json = path.join(folder, 'comparison.json');
  writeFileSync(json, `${JSON.stringify(comparison, null, 2)}\n`);
  return [...files, json];
}

export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'gradwell train --out folders side by side: final and best held-out figures, test results, the options that differ, the curves overlaid',
    )
    .argument('<runs...>', 'two or more gradwell train --out folders')
    .option(
      '--out <folder>',
      'also write loss.svg, accuracy.svg (the curves overlaid) and comparison.json there',
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (given: string[], flags: { out?: string; json?: boolean }) => {
      const out = createOutput({ json: flags.json });
      if (given.length < 2)
        throw new CliError(
          'compare: give at least two run folders',
          'e.g. gradwell compare runs/a runs/b',
          2,
        );
      if (flags.out !== undefined) checkOutFolder(path.resolve(flags.out), 'the comparison files');
      const read = await Promise.all(given.map(readRun));
      const names = namesOf(read.map((r) => r.folder));
      const runs = read.map((r, i) => ({ ...r, name: names[i] as string }));
      const comparison = compareRuns(runs);
      const files =
        flags.out === undefined ? [] : await writeFiles(path.resolve(flags.out), runs, comparison);
      const c = out.color;
      out.line(c.bold(`gradwell compare — ${runs.length} runs`));
      out.table(
        [
          'run',
          'epochs',
          'train loss',
          'held-out loss',
          'held-out acc',
          'best held-out loss',
          'test acc',
          's/epoch',
        ],
        comparison.runs.map((r) => [
          r.name,
          r.epochs,
          num(r.trainLoss ?? undefined),
          `${num(r.heldOutLoss ?? undefined)}${r.heldOut === null ? '' : ` (${r.heldOut})`}`,
          percent(r.heldOutAccuracy ?? undefined),
          r.best === null ? '—' : `${num(r.best.heldOutLoss)} @ ${r.best.epoch}`,
          percent(r.testAccuracy ?? undefined),
          num(r.secondsPerEpoch ?? undefined, 3),
        ]),
      );
      const tested = comparison.runs.filter((r) => r.testAccuracy !== null);
      if (tested.length > 1) {
        const best = tested.reduce((a, b) =>
          (b.testAccuracy as number) > (a.testAccuracy as number) ? b : a,
        );
        out.line(`best test accuracy: ${best.name} (${percent(best.testAccuracy as number)})`);
      }
      for (const r of comparison.runs)
        if (r.checkpoint !== null)
          out.line(`${r.name}: the history of checkpoint ${r.checkpoint}, no test figures`);
        else if (r.testAccuracy === null)
          out.warn(`${r.name}: no result.json (the run predates it), so no test figures`);
      for (const r of comparison.runs) if (r.stopReason !== null) out.line(`${r.name}: ${r.stopReason}`);
      if (comparison.differences.length === 0) out.line('the runs were trained with the same options');
      else {
        out.line('options that differ:');
        out.table(
          ['option', ...runs.map((r) => r.name)],
          comparison.differences.map((d) => [
            d.option,
            ...d.values.map((v) => (v === null ? '(default)' : JSON.stringify(v))),
          ]),
        );
      }
      if (files.length > 0) {
        out.line(c.bold('files:'));
        for (const f of files) out.line(`  ${f}`);
      }
      out.result({ ...comparison, files });
    });
}
