/**
 * Runs to compare: each training run keeps its curves, its colour and a name made from its recipe; later
 * runs are drawn over the earlier ones until removed. In every chart a run is one colour; its training
 * curve is dashed, its validation curve solid (and the running training loss a thin line).
 */
import type { Chart } from 'chart.js';
import type { TrainingLogs } from '@gradwell/core';
import { chartBox, color, lineChart, setSeries, type Series } from './charts';

type Point = { x: number; y: number };

export interface RunRecord {
  id: number;
  name: string;
  colour: string;
  running: Point[];
  trainLoss: Point[];
  validationLoss: Point[];
  trainAccuracy: Point[];
  validationAccuracy: Point[];
  /** The epoch (1-based) whose weights early stopping restored. */
  bestEpoch?: number;
  /** A line of figures for the legend. */
  summary: string;
  done: boolean;
}

export interface RunHandle {
  readonly record: RunRecord;
  progress(x: number, loss: number): void;
  /** The validation figures before the first step: epoch 0 of the validation curves. */
  initial(valLoss: number, valAccuracy: number): void;
  epoch(epoch: number, logs: TrainingLogs): void;
  finish(summary: string, bestEpoch?: number): void;
}

export class RunBoard {
  private readonly records: RunRecord[] = [];
  private readonly loss: Chart<'line'>;
  private readonly accuracy: Chart<'line'>;
  private readonly legend: HTMLElement;
  private next = 0;
  /** Charts to draw at the next animation frame: the loss chart alone while runs stream their running loss. */
  private pending: 'loss' | 'both' | undefined;

  constructor(
    parent: HTMLElement,
    prefix: string,
    private readonly onChange: () => void = () => {},
  ) {
    this.legend = document.createElement('ul');
    this.legend.className = 'runs';
    this.legend.id = `${prefix}-runs`;
    parent.append(this.legend);
    const charts = document.createElement('div');
    charts.className = 'charts two';
    parent.append(charts);
    this.loss = lineChart(
      chartBox(charts, `${prefix}-loss`),
      'loss (dashed: training, solid: validation)',
      [],
      { title: 'epoch', min: 0 },
      { title: 'cross-entropy loss' },
      // Only the solid and dashed curves of the latest runs in the legend would crowd it: the run list
      // says who is who.
      { legend: false },
    );
    this.accuracy = lineChart(
      chartBox(charts, `${prefix}-accuracy`),
      'accuracy (dashed: training, solid: validation)',
      [],
      { title: 'epoch', min: 0 },
      { title: 'accuracy', max: 1 },
      { legend: false },
    );
  }

  get runs(): readonly RunRecord[] {
    return this.records;
  }

  begin(name: string): RunHandle {
    const record: RunRecord = {
      id: this.next,
      name,
      colour: color(this.next),
      running: [],
      trainLoss: [],
      validationLoss: [],
      trainAccuracy: [],
      validationAccuracy: [],
      summary: 'training…',
      done: false,
    };
    this.next++;
    this.records.push(record);
    this.render();
    return {
      record,
      progress: (x, loss) => {
        record.running.push({ x, y: loss });
        this.redraw('loss');
      },
      initial: (valLoss, valAccuracy) => {
        record.validationLoss.push({ x: 0, y: valLoss });
        record.validationAccuracy.push({ x: 0, y: valAccuracy });
        this.redraw('both');
      },
      epoch: (epoch, logs) => {
        const x = epoch + 1;
        record.trainLoss.push({ x, y: logs.loss ?? Number.NaN });
        record.validationLoss.push({ x, y: logs.valLoss ?? Number.NaN });
        record.trainAccuracy.push({ x, y: logs.accuracy ?? Number.NaN });
        record.validationAccuracy.push({ x, y: logs.valAccuracy ?? Number.NaN });
        this.redraw('both');
      },
      finish: (summary, bestEpoch) => {
        record.summary = summary;
        record.done = true;
        if (bestEpoch !== undefined) record.bestEpoch = bestEpoch;
        this.render();
      },
    };
  }

  remove(id: number): void {
    const index = this.records.findIndex((r) => r.id === id);
    if (index >= 0 && this.records[index]?.done) this.records.splice(index, 1);
    this.render();
  }

  destroy(): void {
    this.loss.destroy();
    this.accuracy.destroy();
  }

  /**
   * Redraws at most once per animation frame (events from the worker come faster), and only the loss chart
   * for a running loss: a chart update lays out and paints the whole chart (≈ 10 ms on a 2-core machine).
   */
  private redraw(charts: 'loss' | 'both'): void {
    const scheduled = this.pending !== undefined;
    this.pending = charts === 'both' || this.pending === 'both' ? 'both' : 'loss';
    if (scheduled) return;
    requestAnimationFrame(() => {
      const which = this.pending ?? 'both';
      this.pending = undefined;
      this.draw(which);
    });
  }

  private render(): void {
    this.legend.replaceChildren(
      ...this.records.map((r) => {
        const item = document.createElement('li');
        item.dataset.run = String(r.id);
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = r.colour;
        const text = document.createElement('span');
        text.className = 'run-name';
        text.textContent = `${r.name} — ${r.summary}`;
        item.append(swatch, text);
        if (r.done) {
          const remove = document.createElement('button');
          remove.className = 'remove';
          remove.title = `remove ${r.name}`;
          remove.setAttribute('aria-label', `remove ${r.name}`);
          remove.textContent = '×';
          remove.addEventListener('click', () => this.remove(r.id));
          item.append(remove);
        }
        return item;
      }),
    );
    this.draw('both');
    this.onChange();
  }

  /** Sets the charts' series from the runs and updates each chart once. */
  private draw(charts: 'loss' | 'both'): void {
    const loss: Series[] = [];
    const accuracy: Series[] = [];
    for (const r of this.records) {
      loss.push(
        { label: `${r.name} · running`, points: r.running, color: `${r.colour}66`, width: 1, pointRadius: 0 },
        { label: `${r.name} · training`, points: r.trainLoss, color: r.colour, dashed: true },
        { label: `${r.name} · validation`, points: r.validationLoss, color: r.colour },
      );
      accuracy.push(
        { label: `${r.name} · training`, points: r.trainAccuracy, color: r.colour, dashed: true },
        { label: `${r.name} · validation`, points: r.validationAccuracy, color: r.colour },
      );
      if (r.bestEpoch !== undefined) {
        const best = r.validationLoss.find((p) => p.x === r.bestEpoch);
        if (best !== undefined)
          loss.push({
            label: `${r.name} · restored (epoch ${r.bestEpoch})`,
            points: [best],
            color: r.colour,
            pointRadius: 7,
          });
      }
    }
    setSeries(this.loss, loss);
    if (charts === 'both') setSeries(this.accuracy, accuracy);
  }
}
