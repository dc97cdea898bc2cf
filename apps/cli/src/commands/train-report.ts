/** What `gradwell train` leaves behind and shows: the run's files, and the diagnostics table with warnings. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { TrainingLogs } from '@gradwell/core';
import { saveModel, type DiagnosticsReport, type Model } from '@gradwell/trainer';
import { num, percent, type Output } from '../output';
import { lineChart, writeSvg } from '../plots';

export interface RunRecord {
  /** The dataset's name (plot titles). */
  name: string;
  /** What the held-out curve is called: 'test' or 'validation'. */
  validationName: string;
  history: TrainingLogs[];
  diagnostics: DiagnosticsReport[];
  model: Model;
}

/** Writes history.json/.csv, loss.svg, accuracy.svg, diagnostics.json and the model (model/model.json + weights.bin) into `outDir`; returns the paths. */
export async function writeRunFiles(outDir: string, run: RunRecord): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string) => {
    const file = path.join(outDir, name);
    writeFileSync(file, content);
    files.push(file);
    return file;
  };
  write('history.json', JSON.stringify(run.history, null, 2));
  const columns = [...new Set(run.history.flatMap((h) => Object.keys(h)))];
  write(
    'history.csv',
    stringify(
      run.history.map((h) => columns.map((c) => h[c] ?? '')),
      { header: true, columns },
    ),
  );
  const curve = (metric: 'loss' | 'accuracy', validationKey: 'valLoss' | 'valAccuracy') =>
    writeSvg(
      lineChart({
        title: `${run.name}: ${metric}`,
        xTitle: 'epoch',
        yTitle: metric,
        series: [
          {
            name: 'train',
            points: run.history.map((h) => ({ x: (h.epoch ?? 0) + 1, y: h[metric] ?? Number.NaN })),
          },
          {
            name: run.validationName,
            points: run.history.map((h) => ({ x: (h.epoch ?? 0) + 1, y: h[validationKey] ?? Number.NaN })),
          },
        ],
      }),
      path.join(outDir, `${metric}.svg`),
    );
  files.push(await curve('loss', 'valLoss'), await curve('accuracy', 'valAccuracy'));
  if (run.diagnostics.length > 0) write('diagnostics.json', JSON.stringify(run.diagnostics, null, 2));
  // The TensorFlow.js layers format: tf.loadLayersModel, gradwell export / inspect, train --init-from.
  const modelDir = path.resolve(outDir, 'model');
  await saveModel(run.model, `file://${modelDir}`);
  files.push(path.join(outDir, 'model', 'model.json'), path.join(outDir, 'model', 'weights.bin'));
  return files;
}

/** The per-layer diagnostics of one report as a table, then its warnings. */
export function printDiagnostics(out: Output, report: DiagnosticsReport): void {
  out.line(out.color.bold('diagnostics (last epoch):'));
  out.table(
    [
      'layer',
      'act. mean',
      'act. std',
      'dead',
      'saturated',
      '‖grad‖',
      'grad vs output',
      'update/weight',
      'flags',
    ],
    report.layers
      .filter(
        (l) =>
          l.gradientNorm !== undefined || l.deadFraction !== undefined || l.saturationFraction !== undefined,
      )
      .map((l) => [
        l.layer,
        num(l.activationMean, 3),
        num(l.activationStd, 3),
        percent(l.deadFraction, 1),
        percent(l.saturationFraction, 1),
        num(l.gradientNorm, 3),
        num(l.relativeGradient, 3),
        num(l.updateRatio, 3),
        l.flags.join(' ') || 'ok',
      ]),
  );
  for (const warning of report.warnings) out.warn(warning);
}
