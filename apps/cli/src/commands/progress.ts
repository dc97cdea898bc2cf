/** The training progress display: a bar per epoch on a terminal, one line per epoch otherwise. */
import { SingleBar } from 'cli-progress';
import type { TrainingCallback } from '@gradwell/core';
import { formatEpochLogs } from '@gradwell/trainer';
import { percent, type Output } from '../output';

/** A progress bar per epoch on a terminal; one line per epoch otherwise. */
export function progress(out: Output, epochs: number, stepsPerEpoch: number): TrainingCallback {
  let bar: SingleBar | undefined;
  let seen = 0;
  let lossSum = 0;
  let correct = 0;
  let started = 0;
  return {
    onEpochBegin(epoch) {
      seen = 0;
      lossSum = 0;
      correct = 0;
      started = performance.now();
      if (!out.interactive) return;
      bar = new SingleBar({
        format: `epoch ${epoch + 1}/${epochs} ${out.color.cyan('{bar}')} {percentage}% | loss {loss} | acc {acc} | {speed} ex/s | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        stream: process.stderr,
        clearOnComplete: true,
      });
      bar.start(stepsPerEpoch, 0, { loss: '—', acc: '—', speed: '—' });
    },
    onBatchEnd(_batch, logs) {
      const n = logs.size ?? 0;
      seen += n;
      lossSum += (logs.loss ?? 0) * n;
      correct += (logs.accuracy ?? 0) * n;
      const seconds = (performance.now() - started) / 1000;
      bar?.increment(1, {
        loss: (lossSum / seen).toFixed(4),
        acc: percent(correct / seen),
        speed: Math.round(seen / Math.max(seconds, 1e-9)),
      });
    },
    onEpochEnd(epoch, logs) {
      bar?.stop();
      out.line(formatEpochLogs(epoch, epochs, logs));
    },
  };
}
