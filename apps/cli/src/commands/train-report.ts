/**
 * What `gradwell train` leaves behind and shows: the run's files (config, history with a partial epoch
 * marked, curves, diagnostics, model), the diagnostics table with warnings, a line of flags per epoch, and
 * how each layer's flags changed from initialisation to the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { TrainingCallback } from '@gradwell/core';
import {
  DIAGNOSTICS_COLUMNS,
  diagnosticsRows,
  flagChanges,
  saveModel,
  type DiagnosticsColumn,
  type DiagnosticsReport,
  type Model,
  type TrainingRun,
} from '@gradwell/trainer';
import { num, percent, type Output } from '../output';
import { lineChart, writeSvg } from '../plots';
import type { TrainConfig } from './train-config';

/** A diagnostics report and when it was taken ('init', 'epoch 3'). */
export interface LabelledReport {
  label: string;
  report: DiagnosticsReport;
}

/** One entry of the history: an epoch's logs; a stopped epoch's is marked `partial` with its batches. */
export type HistoryEntry = Record<string, number | boolean>;

export interface RunRecord {
  /** The dataset's name (plot titles). */
  name: string;
  /** What the held-out curve is called: 'test' or 'validation'. */
  validationName: string;
  history: HistoryEntry[];
  reports: LabelledReport[];
  model: Model;
  config: TrainConfig;
  /** The dataset's class names, when it has them: written into model.json (`userDefinedMetadata`). */
  classNames?: string[];
  /** On the test split after training, and why training stopped early (if it did): result.json. */
  /** The test split's figures, and how the run ended. */
  outcome: {
    test: { accuracy?: number; loss: number };
    run: Pick<TrainingRun, 'stopReason' | 'averagedSteps'>;
  };
}

/** result.json: what `gradwell compare` reads beside history.json and config.json. */
export interface RunResult {
  dataset: string;
  /** The held-out curve of history.json ('valLoss', 'valAccuracy'): the test split, or a validation split. */
  heldOut: string;
  testAccuracy: number;
  testLoss: number;
  epochs: number;
  stopReason: string | null;
  totalParams: number;
  /** Steps the saved weights are averaged over (`--average`); null for a run without averaging. */
  averagedSteps: number | null;
}

/** The completed epochs' logs, then — when the run stopped inside an epoch — that epoch's so far, marked partial. */
export function historyWithPartial(run: TrainingRun): HistoryEntry[] {
  const history: HistoryEntry[] = run.history.map((logs) => ({ ...logs }));
  const p = run.partialEpoch;
  if (p !== undefined)
    history.push({
      epoch: p.epoch,
      ...p.logs,
      partial: true,
      batches: p.batches,
      stepsPerEpoch: p.stepsPerEpoch,
    });
  return history;
}

/**
 * Writes config.json (the resolved options: `gradwell train --config` repeats the run), history.json/.csv,
 * result.json (the test figures), loss.svg, accuracy.svg, diagnostics.json and the model (model/model.json +
 * weights.bin); returns the paths.
 */
export async function writeRunFiles(outDir: string, run: RunRecord): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string) => {
    const file = path.join(outDir, name);
    writeFileSync(file, content);
    files.push(file);
    return file;
  };
  write('config.json', `${JSON.stringify(run.config, null, 2)}\n`);
  write('history.json', JSON.stringify(run.history, null, 2));
  const result: RunResult = {
    dataset: run.name,
    heldOut: run.validationName,
    testAccuracy: run.outcome.test.accuracy ?? Number.NaN,
    testLoss: run.outcome.test.loss,
    epochs: run.history.filter((h) => h.partial !== true).length,
    stopReason: run.outcome.run.stopReason ?? null,
    totalParams: run.model.summary().totalParams,
    averagedSteps: run.outcome.run.averagedSteps ?? null,
  };
  write('result.json', `${JSON.stringify(result, null, 2)}\n`);
  const columns = [...new Set(run.history.flatMap((h) => Object.keys(h)))];
  write(
    'history.csv',
    stringify(
      run.history.map((h) => columns.map((c) => h[c] ?? '')),
      { header: true, columns, cast: { boolean: (value) => String(value) } },
    ),
  );
  const complete = run.history.filter((h) => h.partial !== true);
  const curve = (metric: 'loss' | 'accuracy', validationKey: 'valLoss' | 'valAccuracy') =>
    writeSvg(
      lineChart({
        title: `${run.name}: ${metric}`,
        xTitle: 'epoch',
        yTitle: metric,
        series: [
          {
            name: 'train',
            points: complete.map((h) => ({
              x: Number(h.epoch ?? 0) + 1,
              y: Number(h[metric] ?? Number.NaN),
            })),
          },
          {
            name: run.validationName,
            points: complete.map((h) => ({
              x: Number(h.epoch ?? 0) + 1,
              y: Number(h[validationKey] ?? Number.NaN),
            })),
          },
        ],
      }),
      path.join(outDir, `${metric}.svg`),
    );
  files.push(await curve('loss', 'valLoss'), await curve('accuracy', 'valAccuracy'));
  if (run.reports.length > 0)
    write(
      'diagnostics.json',
      JSON.stringify(
        run.reports.map(({ label, report }) => ({ label, ...report })),
        null,
        2,
      ),
    );
  // The TensorFlow.js layers format: tf.loadLayersModel, gradwell export / inspect, train --init-from.
  const modelDir = path.resolve(outDir, 'model');
  const metadata = run.classNames === undefined ? undefined : { classNames: run.classNames };
  await saveModel(run.model, `file://${modelDir}`, { metadata });
  files.push(path.join(outDir, 'model', 'model.json'), path.join(outDir, 'model', 'weights.bin'));
  return files;
}

/** "vanishing-gradient on 16 layers, dead-units on 2" or "no flags". */
export function flagSummary(report: DiagnosticsReport): string {
  const counts = new Map<string, number>();
  for (const layer of report.layers)
    for (const flag of layer.flags) counts.set(flag, (counts.get(flag) ?? 0) + 1);
  return counts.size === 0
    ? 'no flags'
    : [...counts].map(([flag, n]) => `${flag} on ${n} layer${n === 1 ? '' : 's'}`).join(', ');
}

/**
 * `--diagnostics epoch`: the report fit takes at each epoch's last step, printed as one line of flags after
 * that epoch's line (the callback runs after the progress display's).
 */
export function epochDiagnostics(
  out: Output,
  print: boolean,
): { callback: TrainingCallback; onReport: (report: DiagnosticsReport) => void } {
  let latest: DiagnosticsReport | undefined;
  return {
    onReport: (report) => {
      latest = report;
    },
    callback: {
      onEpochEnd() {
        if (print && latest !== undefined) out.line(`  diagnostics: ${flagSummary(latest)}`);
        latest = undefined;
      },
    },
  };
}

/** The per-layer diagnostics of one report as a table, then its warnings. */
export function printDiagnostics(out: Output, { label, report }: LabelledReport): void {
  out.line(out.color.bold(`diagnostics (${label}):`));
  const cell = (value: string | number | undefined, kind: DiagnosticsColumn['kind']) =>
    kind === 'text' || kind === 'flags'
      ? String(value)
      : kind === 'fraction'
        ? percent(value as number | undefined, 1)
        : num(value as number | undefined, 3);
  out.table(
    DIAGNOSTICS_COLUMNS.map((c) => c.heading),
    diagnosticsRows(report).map((row) =>
      row.map((v, i) => cell(v, (DIAGNOSTICS_COLUMNS[i] as DiagnosticsColumn).kind)),
    ),
  );
  for (const warning of report.warnings) out.warn(warning);
}

/** How each flagged layer's flags changed over the reports: `init: vanishing-gradient → epoch 2: ok`. */
export function printFlagChanges(out: Output, reports: readonly LabelledReport[]): void {
  const changes = flagChanges(
    reports.map((r) => r.report),
    reports.map((r) => r.label),
  );
  out.line(out.color.bold(`flag changes (${reports.map((r) => r.label).join(', ')}):`));
  if (changes.length === 0) {
    out.line('  no layer was flagged');
    return;
  }
  out.table(
    ['layer', 'flags over the run'],
    changes.map((c) => [
      c.layer,
      c.changes.map((step) => `${step.label}: ${step.flags.join(' ') || 'ok'}`).join(' → '),
    ]),
  );
}

/** A run stopped inside an epoch (Ctrl-C): where, and how to go on from there. */
export function warnIfStopped(
  out: Output,
  run: TrainingRun,
  folder: { directory: string } | undefined,
  lastCheckpoint: string | undefined,
): void {
  const p = run.partialEpoch;
  if (p === undefined) return;
  const where = `stopped at epoch ${p.epoch + 1}, batch ${p.batches} of ${p.stepsPerEpoch}`;
  out.warn(
    folder === undefined
      ? `${where}; without --checkpoint-dir there is nothing to resume`
      : `${where}; checkpoint ${lastCheckpoint ?? '(none)'} in ${folder.directory} holds that point: continue with the same command and --resume --checkpoint-dir ${folder.directory}`,
  );
}
