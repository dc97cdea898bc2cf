/**
 * Diagnostics of a model as it stands, without training it: the probe batch's per-layer activation
 * statistics and the gradients one step *would* apply (training mode, as in a real step), with no update.
 * Everything a training-mode pass changes (batch norm's running statistics, the random state of dropout
 * layers) is put back, so diagnosing — at initialisation, or from a callback — leaves the run exactly as it
 * was: a seeded run with `--diagnostics init` trains bit-identically to one without.
 */
import { clone, dispose, variableGrads, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertKnownOptions,
  assertNonNegativeInteger,
  GradwellArgumentError,
  type RandomState,
} from '@gradwell/core';
import type { Batch, Dataset } from '../data/dataset';
import { checkDiagnosticThresholds } from '../diagnostic-thresholds';
import {
  activationDiagnostics,
  completeDiagnostics,
  layerGradientNorms,
  type DiagnosticsReport,
  type DiagnosticThresholds,
} from '../diagnostics';
import { lossOption, type Loss } from '../losses';
import { checkData, checkLabels } from './batches';
import type { Trainable } from './fit-types';
import { modelPartsOf, type ModelParts } from './model-parts';
import { randomStateful } from './random-stateful';

export interface DiagnoseOptions {
  /** Examples in the probe batch (the first of the dataset); default 256. */
  probeSize?: number;
  /** The loss whose gradients are measured; default softmax cross-entropy from logits. */
  loss?: Loss | string;
  thresholds?: DiagnosticThresholds;
  /** Recorded in the report: the epochs completed and the steps taken so far (default 0, 0). */
  epoch?: number;
  step?: number;
}

/**
 * Per-layer diagnostics of `parts` on one batch: the gradients of `objective` (a training-mode pass, as a
 * step computes it) and the activation statistics, with everything a training-mode pass touches put back.
 */
export function diagnoseBatch(
  parts: ModelParts,
  probe: Batch,
  objective: (x: Tensor, y: Tensor) => Tensor,
  options: Pick<DiagnoseOptions, 'thresholds' | 'epoch' | 'step'> = {},
): DiagnosticsReport {
  const trainable = new Set(parts.trainable.map((w) => w.variable.name));
  const frozen = parts.all.filter((w) => !trainable.has(w.variable.name));
  const saved = frozen.map((w) => clone(w.variable));
  const stateful = randomStateful(parts.layers);
  const states = stateful.map((layer) => layer.getRandomState());
  let norms: ReturnType<typeof layerGradientNorms>;
  try {
    const { value, grads } = variableGrads(
      () => objective(probe.x, probe.y) as Scalar,
      parts.trainable.map((w) => w.variable),
    );
    norms = layerGradientNorms(parts.base, grads);
    dispose([value, ...Object.values(grads)]);
  } finally {
    frozen.forEach((w, i) => w.variable.assign(saved[i] as Tensor));
    dispose(saved);
    stateful.forEach((layer, i) => layer.setRandomState(states[i] as RandomState));
  }
  const layers = activationDiagnostics(parts.base, probe.x);
  const warnings = completeDiagnostics(layers, norms, [], options.thresholds);
  return { epoch: options.epoch ?? 0, step: options.step ?? 0, layers, warnings };
}

/**
 * The per-layer diagnostics of `model` on the first `probeSize` examples of `data`, without an update
 * (no update/weight ratios: no step is taken). Use it at initialisation to see vanishing or exploding
 * gradients, saturation and dead units before a single step — the lecture's check of an initialisation.
 */
export function diagnoseModel(
  model: Trainable,
  data: Dataset,
  options: DiagnoseOptions = {},
): DiagnosticsReport {
  assertKnownOptions('diagnoseModel', options, ['probeSize', 'loss', 'thresholds', 'epoch', 'step']);
  const parts = modelPartsOf(model);
  if (data === null || typeof data !== 'object' || data.kind !== 'tensors')
    throw new GradwellArgumentError(
      'diagnoseModel',
      'data',
      'an in-memory dataset (tensorDataset, hostDataset, …) to take a probe batch from',
      data === null || typeof data !== 'object' ? data : `a ${String((data as Dataset).kind)} dataset`,
    );
  const probeSize = options.probeSize ?? 256;
  if (!Number.isInteger(probeSize) || probeSize < 1)
    throw new GradwellArgumentError('diagnoseModel', 'probeSize', 'a positive integer', probeSize);
  for (const key of ['epoch', 'step'] as const)
    if (options[key] !== undefined) assertNonNegativeInteger('diagnoseModel', key, options[key]);
  checkDiagnosticThresholds('diagnoseModel', options.thresholds);
  checkData(parts.base, data, 'data', 'diagnoseModel');
  if (!parts.base.built) parts.base.build(data.inputShape);
  const loss = lossOption(options.loss);
  checkLabels(parts.base, data, loss, 'data', 'diagnoseModel');
  const count = Math.min(probeSize, data.size);
  const probe = data.batch(Array.from({ length: count }, (_, i) => i));
  const objective = (x: Tensor, y: Tensor) => loss(y, parts.base.apply(x, { training: true }));
  try {
    return diagnoseBatch(parts, probe, objective, options);
  } finally {
    dispose([probe.x, probe.y]);
  }
}
