/**
 * How far a trained network's confidence can be trusted: its validation digits in ten confidence bins, each
 * bin's accuracy beside its mean confidence (a calibrated network's pairs match: of the digits it calls at
 * 90%, 90% are right), and the expected calibration error — the over-confidence label smoothing works
 * against.
 */
import type { Chart } from 'chart.js';
import type { CalibrationReport } from '@gradwell/trainer';
import { barChart, chartBox, color } from '../charts';
import { section } from '../state';

export interface CalibrationPanel {
  show(report: CalibrationReport, labelSmoothing: number): void;
  clear(): void;
}

const percent = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

export function calibrationPanel(root: HTMLElement, id: string): CalibrationPanel {
  const title = document.createElement('h3');
  title.id = `${id}-title`;
  title.textContent = 'How far to trust its confidence';
  const note = document.createElement('p');
  note.className = 'note';
  note.id = `${id}-note`;
  root.append(title, note);
  const box = section(root, 'charts');
  let chart: Chart<'bar'> | undefined;
  const clear = () => {
    note.textContent =
      'After a run: its validation digits by how sure it was of them, and how many of each were right.';
    chart?.destroy();
    chart = undefined;
    box.replaceChildren();
  };
  clear();
  return {
    clear,
    show(report, labelSmoothing) {
      clear();
      const { bins } = report;
      chart = barChart(
        chartBox(box, id, 'wide'),
        `accuracy against confidence, ${report.examples} validation digits`,
        bins.map((b) => `${Math.round(b.lower * 100)}–${Math.round(b.upper * 100)}%`),
        [
          // an empty bin has neither: a gap, not a 0
          { label: 'accuracy', data: bins.map((b) => b.accuracy), color: color(0) },
          { label: 'mean confidence', data: bins.map((b) => b.confidence), color: color(1) },
        ],
        'confidence of the predicted digit',
        { title: 'share', min: 0, max: 1 },
      );
      const gap = report.meanConfidence - report.accuracy;
      const leaning =
        Math.abs(gap) < 0.005
          ? 'about as sure as it is right'
          : gap > 0
            ? `over-confident by ${(gap * 100).toFixed(1)} points${labelSmoothing === 0 ? ' (label smoothing pulls confidence down)' : ''}`
            : `under-confident by ${(-gap * 100).toFixed(1)} points${labelSmoothing > 0 ? ` (label smoothing ε = ${labelSmoothing} pulls confidence down)` : ''}`;
      note.textContent =
        `Expected calibration error ${percent(report.ece, 2)}: mean confidence ${percent(report.meanConfidence, 2)} ` +
        `against ${percent(report.accuracy, 2)} right, ${leaning}; the worst bin is off by ${percent(report.mce)}.`;
    },
  };
}
