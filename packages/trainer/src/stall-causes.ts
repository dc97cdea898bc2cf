/**
 * The causes a stall is ranked by — the initialisation does not suit the activation, the learning rate,
 * dead units — each scored from the model's diagnostics and the weights' movement, and the report's text.
 */
import type { LayerWeight } from '@gradwell/core';
import type { DiagnosticsReport } from './diagnostics';

/** Mean loss (and training accuracy, when known) over one window of steps. */
export interface LossWindow {
  loss: number;
  accuracy: number | undefined;
}

export type StallCause = 'initialization' | 'learning-rate' | 'dead-units';

export interface StallCauseReport {
  cause: StallCause;
  /** How strongly the evidence points at this cause, 0 (none) to 1. */
  score: number;
  /** What was measured. */
  evidence: string;
  /** What to change. */
  advice: string;
}

export interface StallReport {
  /** Optimiser steps into the run (this fit's) and the epoch when the stall was seen. */
  step: number;
  epoch: number;
  /** 'loss not falling', 'accuracy at chance level', or both. */
  reasons: string[];
  /** Mean loss of the first and of the latest window. */
  firstLoss: number;
  lastLoss: number;
  /** Mean training accuracy of the latest window, and chance level (1/classes), when known. */
  accuracy?: number;
  chance?: number;
  /** Most likely first. */
  causes: StallCauseReport[];
  /** The report in a few lines. */
  message: string;
}

const num = (v: number) => (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toPrecision(3));
const pct = (v: number) => `${(v * 100).toFixed(v < 0.001 ? 4 : 1)}%`;

/**
 * ‖W_now − W_then‖/‖W_then‖ per layer (by the `layer/` prefix of the weight names). Runs once, when a stall
 * is seen; the snapshots are host copies, so a run that throws leaves no tensors behind.
 */
export function movementByLayer(
  weights: readonly LayerWeight[],
  then: Map<string, Float32Array>,
): Map<string, number> {
  const sums = new Map<string, { delta: number; base: number }>();
  for (const w of weights) {
    const old = then.get(w.name);
    if (old === undefined) continue;
    const now = w.variable.dataSync() as Float32Array;
    const layer = w.name.split('/')[0] as string;
    const slot = sums.get(layer) ?? { delta: 0, base: 0 };
    for (let i = 0; i < old.length; i++) {
      const d = (now[i] as number) - (old[i] as number);
      slot.delta += d * d;
      slot.base += (old[i] as number) ** 2;
    }
    sums.set(layer, slot);
  }
  return new Map(
    [...sums].map(([layer, s]) => [layer, s.base === 0 ? Math.sqrt(s.delta) : Math.sqrt(s.delta / s.base)]),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? 0
    : sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function initializationEvidence(report: DiagnosticsReport): { score: number; evidence: string } {
  const weighted = report.layers.filter((l) => l.gradientNorm !== undefined);
  const flagged = weighted.filter((l) =>
    l.flags.some((f) => f === 'vanishing-gradient' || f === 'exploding-gradient' || f === 'saturated'),
  );
  const hidden = weighted.slice(0, -1);
  const first = hidden[0];
  const last = hidden.at(-1);
  let collapse = 0;
  const parts: string[] = [];
  if (flagged.length > 0) {
    const kinds = [
      ...new Set(
        flagged.flatMap((l) => l.flags.filter((f) => f !== 'dead-units' && f !== 'update-too-large')),
      ),
    ];
    parts.push(`${flagged.length} of ${weighted.length} weighted layers flagged ${kinds.join('/')}`);
  }
  if (first !== undefined && last !== undefined && first !== last && first.activationStd > 0) {
    const ratio = last.activationStd / first.activationStd;
    if (ratio < 0.1 || ratio > 10) {
      collapse = Math.min(1, Math.abs(Math.log10(Math.max(ratio, 1e-30))) / 3);
      parts.push(
        `the activations' spread ${ratio < 1 ? 'shrinks' : 'grows'} from ${num(first.activationStd)} at ${first.layer} to ${num(last.activationStd)} at ${last.layer}`,
      );
    }
  }
  return {
    score: Math.max(weighted.length === 0 ? 0 : flagged.length / weighted.length, collapse),
    evidence: parts.join('; '),
  };
}

/**
 * Signal or gradients dying (or exploding) through the depth: judged on the model at the start of the run
 * and now, the stronger taken — an adaptive optimiser can hide at the stall what the initialisation did.
 */
export function initializationCause(
  start: DiagnosticsReport | undefined,
  now: DiagnosticsReport | undefined,
): StallCauseReport {
  const advice =
    'use the initialisation that pairs with the activation (He for ReLU, Xavier/Glorot for tanh, LeCun for SELU), or add batch norm';
  if (start === undefined && now === undefined)
    return { cause: 'initialization', score: 0, evidence: 'no diagnostics (the data is a stream)', advice };
  const seen = [
    ...(start === undefined ? [] : [{ when: 'at the start of training', ...initializationEvidence(start) }]),
    ...(now === undefined ? [] : [{ when: 'now', ...initializationEvidence(now) }]),
  ].sort((a, b) => b.score - a.score);
  const strongest = seen[0] as { when: string; score: number; evidence: string };
  return {
    cause: 'initialization',
    score: strongest.score,
    evidence:
      strongest.score === 0
        ? 'signal and gradients keep their scale through the layers'
        : `${strongest.when}: ${strongest.evidence}`,
    advice,
  };
}

export function learningRateCause(
  first: LossWindow,
  last: LossWindow,
  movement: Map<string, number>,
  steps: number,
  report: DiagnosticsReport | undefined,
): StallCauseReport {
  const moved = median([...movement.values()]);
  const perStep = moved / steps;
  const rising = !Number.isFinite(last.loss) || last.loss > first.loss * 1.02;
  const tooLarge = report?.layers.some((l) => l.flags.includes('update-too-large')) === true;
  const evidence = `the weights moved ${pct(moved)} of their norm over the last ${steps} steps (median over layers)${rising ? `, and the loss rose from ${num(first.loss)} to ${num(last.loss)}` : ''}`;
  if (rising || tooLarge || perStep > 1e-2)
    return {
      cause: 'learning-rate',
      score: rising ? 0.9 : 0.7,
      evidence,
      advice: 'the learning rate is too high: lower it (gradwell lr-find suggests one), or clip gradients',
    };
  if (moved < 1e-3)
    return {
      cause: 'learning-rate',
      score: moved < 1e-5 ? 0.9 : 0.7,
      evidence,
      advice: 'the learning rate is too low to move the weights: raise it (gradwell lr-find suggests one)',
    };
  return {
    cause: 'learning-rate',
    score: 0.1,
    evidence: `${evidence}: an ordinary step size`,
    advice: 'try a learning rate from gradwell lr-find',
  };
}

export function deadUnitsCause(report: DiagnosticsReport | undefined): StallCauseReport {
  const advice = 'lower the learning rate, use He initialisation, or a leaky ReLU / ELU';
  const dead = (report?.layers ?? []).filter((l) => l.deadFraction !== undefined);
  if (dead.length === 0) return { cause: 'dead-units', score: 0, evidence: 'no ReLU-family layers', advice };
  const worst = dead.reduce((a, b) => ((b.deadFraction ?? 0) > (a.deadFraction ?? 0) ? b : a));
  const share = worst.deadFraction ?? 0;
  const many = dead.filter((l) => (l.deadFraction ?? 0) > 0.5).length;
  return {
    cause: 'dead-units',
    score: share > 0.2 ? share : 0,
    evidence: `${worst.layer}: ${pct(share)} of its units never fire${many > 0 ? `; ${many} of ${dead.length} ReLU layers are more than half dead` : ''}`,
    advice,
  };
}

const CAUSE_NAMES: Record<StallCause, string> = {
  initialization: 'initialisation vs activation',
  'learning-rate': 'learning rate',
  'dead-units': 'dead units',
};

export function describe(report: Omit<StallReport, 'message'>): string {
  const head = `training stalled by step ${report.step} (${report.reasons.join(', ')}): loss ${num(report.firstLoss)} → ${num(report.lastLoss)}${
    report.accuracy === undefined
      ? ''
      : `, accuracy ${pct(report.accuracy)}${report.chance === undefined ? '' : ` (chance ${pct(report.chance)})`}`
  }. Likely causes, most likely first:`;
  const lines = report.causes.map(
    (c, i) =>
      `  ${i + 1}. ${CAUSE_NAMES[c.cause]}${c.score === 0 ? ' (no sign of it)' : ''}: ${c.evidence} — ${c.advice}`,
  );
  return [head, ...lines].join('\n');
}
