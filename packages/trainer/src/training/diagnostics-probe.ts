/**
 * The loop's diagnostics probe: a fixed batch of the training set on which per-layer statistics are
 * taken, when they are due (every `everySteps`, or at each epoch's last step), around an observed step.
 */
import { clone, dispose, type Tensor } from '@tensorflow/tfjs-core';
import {
  activationDiagnostics,
  completeDiagnostics,
  layerGradientNorms,
  layerUpdateRatios,
  type DiagnosticsReport,
} from '../diagnostics';
import type { Batch, Dataset } from '../data/dataset';
import type { DiagnosticsOptions } from './fit-types';
import type { ModelParts } from './model-parts';

/** What an observed step leaves for the probe: per-layer gradient norms and the weights before the update. */
export interface StepObservation {
  gradientNorms: ReturnType<typeof layerGradientNorms>;
  before: Map<string, Tensor>;
}

/** Records gradient norms and copies of the weights, before the optimiser applies `gradients`. */
export function observeStep(parts: ModelParts, gradients: Record<string, Tensor>): StepObservation {
  return {
    gradientNorms: layerGradientNorms(parts.base, gradients),
    before: new Map(parts.trainable.map((w) => [w.variable.name, clone(w.variable)])),
  };
}

export interface DiagnosticsProbe {
  readonly reports: DiagnosticsReport[];
  /** Whether the step about to run (0-based `step` overall, `batchIndex` in its epoch) is to be observed. */
  isDue(step: number, batchIndex: number, stepsPerEpoch: number): boolean;
  /** Completes a report from an observed step (frees the observation). */
  record(epoch: number, step: number, observation: StepObservation): DiagnosticsReport;
  dispose(): void;
}

/**
 * A probe over the first `probeSize` examples of an in-memory dataset; undefined when diagnostics are off
 * (`fit` refuses them on a stream, which has no probe batch: the kind test only narrows the type).
 */
export function createDiagnosticsProbe(
  parts: ModelParts,
  data: Dataset,
  options: DiagnosticsOptions | undefined,
): DiagnosticsProbe | undefined {
  if (options === undefined || data.kind !== 'tensors') return undefined;
  const count = Math.min(options.probeSize ?? 256, data.size);
  const probe: Batch = data.batch(Array.from({ length: count }, (_, i) => i));
  const reports: DiagnosticsReport[] = [];
  return {
    reports,
    isDue: (step, batchIndex, stepsPerEpoch) =>
      options.everySteps !== undefined
        ? (step + 1) % options.everySteps === 0
        : batchIndex === stepsPerEpoch - 1,
    record(epoch, step, observation) {
      const ratios = layerUpdateRatios(parts.base, observation.before);
      dispose([...observation.before.values()]);
      const layers = activationDiagnostics(parts.base, probe.x);
      const warnings = completeDiagnostics(layers, observation.gradientNorms, ratios, options.thresholds);
      const report = { epoch, step, layers, warnings };
      reports.push(report);
      options.onReport?.(report);
      return report;
    },
    dispose: () => dispose([probe.x, probe.y]),
  };
}
