/**
 * The lecture's "gradient status within the network", per layer: activation mean and spread, dead
 * units (ReLUs that never fire on the batch), saturation (|f′| ≈ 0), gradient norm relative to the
 * output layer's, and the size of an update relative to the weights — with flags for vanishing and
 * exploding gradients. (The NaN/Inf guard is in nan-guard.ts.)
 */
import { dispose, moments, stack, sub, sum, square, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { hasPreActivation, type ActivationFunction, type Layer, type Sequential } from '@gradwell/core';
import { deadUnitFraction, saturationFraction, type Activation } from '@gradwell/activations';
import { DEFAULT_THRESHOLDS, type DiagnosticThresholds } from './diagnostic-thresholds';

export type { DiagnosticThresholds } from './diagnostic-thresholds';

export type DiagnosticFlag =
  'vanishing-gradient' | 'exploding-gradient' | 'dead-units' | 'saturated' | 'update-too-large';

export interface LayerDiagnostics {
  layer: string;
  className: string;
  /** Mean and standard deviation of the layer's output on the probe batch. */
  activationMean: number;
  activationStd: number;
  /** Share of ReLU-family units that are ≤ 0 for every example (ReLU-family layers only). */
  deadFraction?: number;
  /** Share of pre-activations where |f′| < 0.01 (layers with a smooth activation; not the ReLU family). */
  saturationFraction?: number;
  /** ‖∂L/∂W‖ over the layer's trainable weights (layers with weights only). */
  gradientNorm?: number;
  /** RMS of the layer's gradient divided by the RMS of the output layer's (1 at the output). */
  relativeGradient?: number;
  /** ‖ΔW‖/‖W‖ of the step (healthy around 1e-3; absent when no step was taken). */
  updateRatio?: number;
  flags: DiagnosticFlag[];
}

export interface DiagnosticsReport {
  epoch: number;
  step: number;
  layers: LayerDiagnostics[];
  /** One sentence per flagged layer. */
  warnings: string[];
}

const RELU_FAMILY = new Set(['relu', 'relu6']);

function activationOf(layer: Layer): ActivationFunction | undefined {
  return (layer as { activation?: ActivationFunction }).activation;
}

function hasDerivative(a: ActivationFunction | undefined): a is Activation {
  return a !== undefined && typeof (a as Partial<Activation>).derivative === 'function';
}

/** Activation statistics of every layer on a batch (inference mode), without gradients. */
export function activationDiagnostics(model: Sequential, x: Tensor): LayerDiagnostics[] {
  const outputs = model.applyWithIntermediates(x, { training: false });
  try {
    return model.layers.map((layer, i) => {
      const out = outputs[i] as Tensor;
      const input = i === 0 ? x : (outputs[i - 1] as Tensor);
      const [m, s] = tidy(() => {
        const { mean: mu, variance } = moments(out);
        return [mu.dataSync()[0] as number, Math.sqrt(variance.dataSync()[0] as number)];
      });
      const entry: LayerDiagnostics = {
        layer: layer.name,
        className: layer.className,
        activationMean: m,
        activationStd: s,
        flags: [],
      };
      const activation = activationOf(layer);
      if (activation !== undefined && activation.name !== 'linear') {
        const perChannel = out.rank === 4;
        if (RELU_FAMILY.has(activation.name) && out.rank >= 2)
          entry.deadFraction = deadUnitFraction(out, { perChannel });
        // A ReLU's zero slope is its off state (counted as dead units), not saturation.
        if (hasDerivative(activation) && !RELU_FAMILY.has(activation.name)) {
          const pre =
            layer.className === 'Activation'
              ? input
              : hasPreActivation(layer)
                ? layer.applyPreActivation(input)
                : undefined;
          if (pre !== undefined) {
            entry.saturationFraction = saturationFraction(pre, activation);
            if (pre !== input) pre.dispose();
          }
        }
      }
      return entry;
    });
  } finally {
    dispose(outputs);
  }
}

/** Which layer owns each trainable variable (by engine name). */
export function variableOwners(model: Sequential): Map<string, number> {
  const owners = new Map<string, number>();
  model.layers.forEach((layer, i) => {
    for (const w of layer.trainableWeights) owners.set(w.variable.name, i);
  });
  return owners;
}

/** Per-layer ‖g‖ and element count from a name → gradient map. */
export function layerGradientNorms(
  model: Sequential,
  gradients: Record<string, Tensor | undefined>,
): Array<{ norm: number; count: number } | undefined> {
  const owners = variableOwners(model);
  const sums = model.layers.map(() => ({ squares: 0, count: 0, any: false }));
  const names = Object.keys(gradients).filter((n) => owners.has(n) && gradients[n] !== undefined);
  if (names.length > 0) {
    const packed = tidy(() => stack(names.map((n) => sum(square(gradients[n] as Tensor)))));
    const squares = packed.dataSync();
    packed.dispose();
    names.forEach((name, k) => {
      const slot = sums[owners.get(name) as number];
      if (slot === undefined) return;
      slot.squares += squares[k] as number;
      slot.count += (gradients[name] as Tensor).size;
      slot.any = true;
    });
  }
  return sums.map((s) => (s.any ? { norm: Math.sqrt(s.squares), count: s.count } : undefined));
}

/** Per-layer ‖W_after − W_before‖/‖W_before‖ from snapshots taken around a step. */
export function layerUpdateRatios(model: Sequential, before: Map<string, Tensor>): Array<number | undefined> {
  return model.layers.map((layer) => {
    const weights = layer.trainableWeights.filter((w) => before.has(w.variable.name));
    if (weights.length === 0) return undefined;
    return tidy(() => {
      let delta = 0;
      let base = 0;
      for (const w of weights) {
        const old = before.get(w.variable.name) as Tensor;
        delta += sum(square(sub(w.variable, old))).dataSync()[0] as number;
        base += sum(square(old)).dataSync()[0] as number;
      }
      return base === 0 ? Number.POSITIVE_INFINITY : Math.sqrt(delta / base);
    });
  });
}

/** Adds gradient and update figures to activation diagnostics, sets the flags, and writes the warnings. */
export function completeDiagnostics(
  layers: LayerDiagnostics[],
  norms: Array<{ norm: number; count: number } | undefined>,
  updateRatios: Array<number | undefined>,
  thresholds: DiagnosticThresholds = {},
): string[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const lastWithGradient = [...norms.keys()].reverse().find((i) => norms[i] !== undefined);
  const reference = lastWithGradient === undefined ? undefined : norms[lastWithGradient];
  const referenceRms = reference === undefined ? 0 : reference.norm / Math.sqrt(reference.count);
  const warnings: string[] = [];
  layers.forEach((entry, i) => {
    const g = norms[i];
    if (g !== undefined) {
      entry.gradientNorm = g.norm;
      const rms = g.norm / Math.sqrt(g.count);
      entry.relativeGradient = referenceRms > 0 ? rms / referenceRms : rms > 0 ? Number.POSITIVE_INFINITY : 1;
      if (entry.relativeGradient < t.vanishing || g.norm === 0) entry.flags.push('vanishing-gradient');
      else if (entry.relativeGradient > t.exploding || !Number.isFinite(g.norm))
        entry.flags.push('exploding-gradient');
    }
    const u = updateRatios[i];
    if (u !== undefined) {
      entry.updateRatio = u;
      if (u > t.updateRatio) entry.flags.push('update-too-large');
    }
    if (entry.deadFraction !== undefined && entry.deadFraction > t.dead) entry.flags.push('dead-units');
    const relu = entry.deadFraction !== undefined;
    if (!relu && entry.saturationFraction !== undefined && entry.saturationFraction > t.saturated)
      entry.flags.push('saturated');
    for (const flag of entry.flags) warnings.push(describeFlag(entry, flag));
  });
  return warnings;
}

function pct(v: number | undefined): string {
  return `${((v ?? 0) * 100).toFixed(1)}%`;
}

function describeFlag(entry: LayerDiagnostics, flag: DiagnosticFlag): string {
  const name = `${entry.layer} (${entry.className})`;
  switch (flag) {
    case 'vanishing-gradient':
      return `${name}: vanishing gradient — its RMS gradient is ${(entry.relativeGradient ?? 0).toExponential(1)}× the output layer's; check the initialisation (He for ReLU, Xavier for tanh) or add batch norm.`;
    case 'exploding-gradient':
      return `${name}: exploding gradient — its RMS gradient is ${(entry.relativeGradient ?? 0).toExponential(1)}× the output layer's; lower the learning rate, clip gradients or fix the initialisation.`;
    case 'update-too-large':
      return `${name}: one step changed its weights by ${pct(entry.updateRatio)} of their norm (healthy is about 0.1%); lower the learning rate.`;
    case 'dead-units':
      return `${name}: ${pct(entry.deadFraction)} of its ReLUs are dead (never positive on the probe batch); lower the learning rate, use He init, or leaky ReLU/ELU.`;
    case 'saturated':
      return `${name}: ${pct(entry.saturationFraction)} of its inputs sit where the activation's slope is below 0.01 (saturated); normalise inputs, use Xavier init or batch norm.`;
  }
}

/** A layer's flags over a run: the first report's, then each report where they changed. */
export interface LayerFlagChanges {
  layer: string;
  changes: Array<{ label: string; flags: DiagnosticFlag[] }>;
}

/**
 * How each layer's flags changed across a sequence of reports (at initialisation, after each epoch, …),
 * `labels[i]` naming report i. Only layers flagged at least once are listed.
 */
export function flagChanges(
  reports: readonly DiagnosticsReport[],
  labels: readonly string[],
): LayerFlagChanges[] {
  if (labels.length !== reports.length)
    throw new Error(
      `flagChanges: ${reports.length} reports but ${labels.length} labels; give one label per report.`,
    );
  const layers = [...new Set(reports.flatMap((r) => r.layers.map((l) => l.layer)))];
  const result: LayerFlagChanges[] = [];
  for (const layer of layers) {
    const changes: LayerFlagChanges['changes'] = [];
    let previous: string | undefined;
    let flagged = false;
    reports.forEach((report, i) => {
      const entry = report.layers.find((l) => l.layer === layer);
      if (entry === undefined) return;
      const flags = [...entry.flags].sort();
      flagged ||= flags.length > 0;
      const key = flags.join(',');
      if (key !== previous) changes.push({ label: labels[i] as string, flags });
      previous = key;
    });
    if (flagged) result.push({ layer, changes });
  }
  return result;
}

/** A column of the per-layer diagnostics table: its heading and how its values read. */
export interface DiagnosticsColumn {
  heading: string;
  /** `text` (the layer), `number`, `fraction` (a share, shown as a percentage) or `flags` (`ok` if none). */
  kind: 'text' | 'number' | 'fraction' | 'flags';
}

/** The per-layer diagnostics table, as the CLI prints it and the web lab shows it: its columns. */
export const DIAGNOSTICS_COLUMNS: readonly DiagnosticsColumn[] = [
  { heading: 'layer', kind: 'text' },
  { heading: 'act. mean', kind: 'number' },
  { heading: 'act. std', kind: 'number' },
  { heading: 'dead', kind: 'fraction' },
  { heading: 'saturated', kind: 'fraction' },
  { heading: '‖grad‖', kind: 'number' },
  { heading: 'grad vs output', kind: 'number' },
  { heading: 'update/weight', kind: 'number' },
  { heading: 'flags', kind: 'flags' },
];

/**
 * The table's rows for `report`, in DIAGNOSTICS_COLUMNS' order: one per layer with a gradient or a
 * dead or saturated share measured (not the reshapes and pools between them); undefined where a value
 * does not apply, and `ok` for a layer with no flags.
 */
export function diagnosticsRows(report: DiagnosticsReport): Array<Array<string | number | undefined>> {
  return report.layers
    .filter(
      (l) =>
        l.gradientNorm !== undefined || l.deadFraction !== undefined || l.saturationFraction !== undefined,
    )
    .map((l) => [
      l.layer,
      l.activationMean,
      l.activationStd,
      l.deadFraction,
      l.saturationFraction,
      l.gradientNorm,
      l.relativeGradient,
      l.updateRatio,
      l.flags.join(' ') || 'ok',
    ]);
}
