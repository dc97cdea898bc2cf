/** What `gradwell evaluate` prints and writes: the per-class table, the matrix, the mix-ups, the files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { CalibrationReport, ClassificationReport, Mistake } from '@gradwell/trainer';
import type { TemperatureResult } from './evaluate-calibration';
import { num, percent, type Output } from '../output';
import { confusionHeatmap, reliabilityDiagram, writeSvg } from '../plots';

export interface EvaluationResult {
  model: string;
  dataset: string;
  split: string;
  dataFrom: string | null;
  examples: number;
  accuracy: number;
  loss: number;
  macro: ClassificationReport['macro'];
  /** Over the whole split (15 confidence bins), the logits divided by `temperature` (--temperature). */
  calibration: Omit<CalibrationReport, 'examples' | 'accuracy'> & { temperature: number };
  /** With --fit-temperature. */
  temperature: TemperatureResult | null;
  classNames: string[];
  perClass: Array<{ class: string } & ClassificationReport['perClass'][number]>;
  matrix: number[][];
  /** The classes it takes for others most (trainer's `mostConfused`), by name. */
  mostConfused: Array<{ label: string; predicted: string; count: number; ofLabel: number }>;
  /** The surest wrong predictions, surest first (mistakes.png's tiles in reading order). */
  mistakes: Array<Mistake & { labelName: string; predictedName: string }>;
}

/** report.json, confusion.csv, confusion.svg (and mistakes.png, given its PNG bytes); returns the paths. */
export async function writeReport(
  folder: string,
  result: EvaluationResult,
  mistakesPng?: Uint8Array,
): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string | Uint8Array) => {
    const file = path.join(folder, name);
    writeFileSync(file, content);
    files.push(file);
  };
  write('report.json', `${JSON.stringify(result, null, 2)}\n`);
  write(
    'confusion.csv',
    stringify(
      result.matrix.map((row, i) => [result.classNames[i], ...row]),
      { header: true, columns: ['label \\ predicted', ...result.classNames] },
    ),
  );
  files.push(
    await writeSvg(
      confusionHeatmap(
        `${result.dataset} ${result.split}: accuracy ${percent(result.accuracy)}`,
        result.classNames,
        result.matrix,
      ),
      path.join(folder, 'confusion.svg'),
    ),
  );
  files.push(
    await writeSvg(
      reliabilityDiagram(
        `${result.dataset} ${result.split}: ECE ${percent(result.calibration.ece, 2)}`,
        result.calibration.bins,
      ),
      path.join(folder, 'reliability.svg'),
    ),
  );
  if (mistakesPng !== undefined) write('mistakes.png', mistakesPng);
  return files;
}

export function printReport(out: Output, r: EvaluationResult, files: string[]): void {
  const c = out.color;
  out.line(
    c.bold(
      `gradwell evaluate — ${path.relative(process.cwd(), r.model)} on ${r.dataset} ${r.split} (${r.examples} examples)`,
    ),
  );
  if (r.dataFrom !== null) out.line(c.dim(`data options from ${path.relative(process.cwd(), r.dataFrom)}`));
  out.line(c.bold(`accuracy ${percent(r.accuracy)}  loss ${num(r.loss)}  macro F1 ${num(r.macro.f1)}`));
  out.table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    r.perClass.map((f) => [f.class, num(f.precision), num(f.recall), num(f.f1), f.support]),
  );
  if (r.classNames.length <= 20) {
    out.line('confusion matrix (rows: label, columns: predicted)');
    out.table(
      ['', ...r.classNames],
      r.matrix.map((row, i) => [r.classNames[i] ?? '', ...row]),
    );
  } else out.line(`confusion matrix: ${r.classNames.length} classes, in --json or --out`);
  const k = r.calibration;
  const gap = k.meanConfidence - r.accuracy;
  out.line(
    `calibration${k.temperature === 1 ? '' : ` at T = ${num(k.temperature)}`}: ECE ${percent(k.ece, 2)}  MCE ${percent(k.mce, 1)}  NLL ${num(k.nll)}  Brier ${num(k.brier)}  ` +
      `mean confidence ${percent(k.meanConfidence)} vs accuracy ${percent(r.accuracy)}` +
      (Math.abs(gap) >= 0.005 ? ` (${gap > 0 ? 'over' : 'under'}-confident)` : ''),
  );
  const t = r.temperature;
  if (t !== null)
    out.line(
      `temperature scaling: T = ${num(t.value)} fitted on ${t.source === 'validation' ? `the run's ${t.fittedOn} validation examples; on the ${t.scoredOn} ${r.split} examples` : `${t.fittedOn} examples; on the other ${t.scoredOn}`}: ` +
        `ECE ${percent(t.before.ece, 2)} → ${percent(t.after.ece, 2)}, NLL ${num(t.before.nll, 5)} → ${num(t.after.nll, 5)}` +
        ` (gradwell predict --temperature ${num(t.value)})`,
    );
  if (r.mostConfused.length > 0)
    out.line(
      `most confused: ${r.mostConfused.map((m) => `${m.label} → ${m.predicted} ${m.count} (${percent(m.ofLabel, 1)} of ${m.label})`).join(', ')}`,
    );
  if (r.mistakes.length > 0)
    out.line(
      `surest mistakes: ${r.mistakes.map((m) => `#${m.index} ${m.labelName} → ${m.predictedName} (${percent(m.confidence, 1)})`).join(', ')}`,
    );
  if (files.length > 0) {
    out.line(c.bold('files:'));
    for (const f of files) out.line(`  ${f}`);
  }
}
