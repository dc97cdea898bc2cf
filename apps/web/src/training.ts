/**
 * In-page training with live curves: runs gradwell's `fit` (which yields to the event loop, so the page
 * stays responsive), updates loss and accuracy charts after every epoch and a running loss every few
 * batches, and can be paused, resumed and stopped.
 */
import type { Chart } from 'chart.js';
import type { TrainingCallback, TrainingLogs } from '@gradwell/core';
import {
  fit,
  type DiagnosticsReport,
  type FitOptions,
  type Model,
  type TensorDataset,
} from '@gradwell/trainer';
import { chartBox, lineChart } from './charts';

export interface LiveCharts {
  loss: Chart<'line'>;
  accuracy: Chart<'line'>;
  destroy(): void;
  reset(): void;
}

export function liveCharts(parent: HTMLElement, prefix: string): LiveCharts {
  const loss = lineChart(
    chartBox(parent, `${prefix}-loss`),
    'loss',
    [
      { label: 'train (running)', points: [] },
      { label: 'train', points: [] },
      { label: 'validation', points: [] },
    ],
    { xTitle: 'epoch' },
  );
  const accuracy = lineChart(
    chartBox(parent, `${prefix}-accuracy`),
    'accuracy',
    [
      { label: 'train', points: [] },
      { label: 'validation', points: [] },
    ],
    { xTitle: 'epoch' },
  );
  return {
    loss,
    accuracy,
    destroy() {
      loss.destroy();
      accuracy.destroy();
    },
    reset() {
      for (const c of [loss, accuracy]) for (const d of c.data.datasets) d.data = [];
      loss.update();
      accuracy.update();
    },
  };
}

export interface RunControl {
  paused: boolean;
  stopped: boolean;
}

export interface LiveRun {
  history: TrainingLogs[];
  diagnostics: DiagnosticsReport[];
  stopReason: string | undefined;
}

/** Trains with live charts; `control` pauses (awaits in a callback) or stops (requests a stop). */
export async function trainLive(
  model: Model,
  train: TensorDataset,
  options: Omit<FitOptions, 'callbacks'> & { callbacks?: TrainingCallback[] },
  charts: LiveCharts,
  control: RunControl,
  onEpoch?: (epoch: number, logs: TrainingLogs) => void,
): Promise<LiveRun> {
  const stepsPerEpoch = Math.ceil(train.size / (options.batchSize ?? 32));
  let running = 0;
  let count = 0;
  let epoch = 0;
  const live: TrainingCallback = {
    onEpochBegin(e) {
      epoch = e;
    },
    async onBatchEnd(batch, logs, context) {
      running += logs.loss ?? 0;
      count++;
      if (count === 10) {
        (charts.loss.data.datasets[0]!.data as Array<{ x: number; y: number }>).push({
          x: (epoch * stepsPerEpoch + batch + 1) / stepsPerEpoch,
          y: running / count,
        });
        charts.loss.update();
        running = 0;
        count = 0;
      }
      if (control.stopped) context.requestStop('stopped in the page');
      while (control.paused && !control.stopped) await new Promise((r) => setTimeout(r, 50));
    },
    onEpochEnd(epoch, logs) {
      const x = epoch + 1;
      (charts.loss.data.datasets[1]!.data as Array<{ x: number; y: number }>).push({
        x,
        y: logs.loss ?? Number.NaN,
      });
      (charts.loss.data.datasets[2]!.data as Array<{ x: number; y: number }>).push({
        x,
        y: logs.valLoss ?? Number.NaN,
      });
      (charts.accuracy.data.datasets[0]!.data as Array<{ x: number; y: number }>).push({
        x,
        y: logs.accuracy ?? Number.NaN,
      });
      (charts.accuracy.data.datasets[1]!.data as Array<{ x: number; y: number }>).push({
        x,
        y: logs.valAccuracy ?? Number.NaN,
      });
      charts.loss.update();
      charts.accuracy.update();
      onEpoch?.(epoch, logs);
    },
  };
  const run = await fit(model, train, {
    ...options,
    yieldEveryMs: 16,
    callbacks: [live, ...(options.callbacks ?? [])],
  });
  return { history: run.history, diagnostics: run.diagnostics, stopReason: run.stopReason };
}
