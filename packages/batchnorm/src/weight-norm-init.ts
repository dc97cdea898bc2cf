/**
 * The data-dependent initialisation of weight normalisation (Salimans & Kingma 2016, §2.2): layer by layer,
 * on one batch, each weight-normalised unit's pre-activation t = v·x/‖v‖ is measured, and g ← 1/σ[t],
 * b ← −μ[t]/σ[t], so that every unit starts with mean 0 and variance 1 on that batch — what batch norm
 * does at each step, done once. Run it after building the model and before training.
 */
import { div, moments, neg, ones, reciprocal, sqrt, tidy, zeros, type Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteValues, type Sequential } from '@gradwell/core';
import { isWeightNormalized, type WeightNormConv2d, type WeightNormDense } from './weight-norm';

/** What the initialisation found for one weight-normalised layer, before it rescaled it. */
export interface WeightNormInitReport {
  layer: string;
  /** Mean over its units of |μ[t]|, t = v·x/‖v‖ on the batch. */
  meanAbsMean: number;
  /** Mean over its units of σ[t] (each unit's new g is 1/σ[t]). */
  meanStd: number;
}

type WeightNormLayer = WeightNormDense | WeightNormConv2d;

/** One layer's g (and bias) set from the statistics of t on `input`; returns the report. */
function initializeLayer(layer: WeightNormLayer, input: Tensor): WeightNormInitReport {
  const g = layer.weights.find((w) => w.name === `${layer.name}/g`)!.variable;
  const bias = layer.weights.find((w) => w.name === `${layer.name}/bias`)?.variable;
  const channels = g.shape[0];
  // With g = 1 and b = 0 the pre-activation is t itself.
  tidy(() => g.assign(ones([channels])));
  if (bias !== undefined) tidy(() => bias.assign(zeros([channels])));
  const { mean, std } = tidy(() => {
    const t = layer.applyPreActivation(input);
    const axes = Array.from({ length: t.rank - 1 }, (_, i) => i);
    const stats = moments(t, axes);
    return { mean: stats.mean, std: sqrt(stats.variance) };
  });
  const means = Array.from(mean.dataSync());
  const stds = Array.from(std.dataSync());
  // σ within float rounding of |μ| (or 0) is one value for the whole batch: 1/σ would blow the unit up.
  const flat = stds.findIndex((s, i) => !(s > 1e-5 * Math.abs(means[i]!)) || !Number.isFinite(s));
  if (flat >= 0) {
    mean.dispose();
    std.dispose();
    throw new Error(
      `initializeWeightNorm: unit ${flat} of layer '${layer.name}' gives one value for the whole batch (mean ${means[flat]}, σ = ${stds[flat]}), so it cannot be scaled to variance 1; use a batch of different examples.`,
    );
  }
  tidy(() => g.assign(reciprocal(std)));
  if (bias !== undefined) tidy(() => bias.assign(neg(div(mean, std))));
  mean.dispose();
  std.dispose();
  const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    layer: layer.name,
    meanAbsMean: average(means.map(Math.abs)),
    meanStd: average(stds),
  };
}

/**
 * Sets g and b of every weight-normalised layer of `model` (in order, each on the batch as the layers
 * before it, already initialised, turn it) so that its units' pre-activations have mean 0 and variance 1
 * on `batch`. The layers run in inference mode. A layer without a bias gets g only (its units' variance
 * 1). The batch needs at least two different examples; on an error every layer is left as it was.
 */
export function initializeWeightNorm(model: Sequential, batch: Tensor): WeightNormInitReport[] {
  model.checkBatch('initializeWeightNorm', 'batch', batch);
  assertFiniteValues('initializeWeightNorm', 'batch', batch);
  if (batch.shape[0] < 2)
    throw new Error(
      `initializeWeightNorm: argument 'batch' must hold at least 2 examples (a mean and a variance per unit), got ${batch.shape[0]}.`,
    );
  if (!model.built) model.build(batch.shape.slice(1));
  const targets = model.layers.filter(isWeightNormalized);
  if (targets.length === 0)
    throw new Error(
      `initializeWeightNorm: model '${model.name}' has no weight-normalised layer (WeightNormDense, WeightNormConv2d); its layers are ${model.layers.map((l) => `${l.name} (${l.className})`).join(', ')}.`,
    );
  const saved = targets.flatMap((layer) =>
    layer.weights.map((w) => [w.variable, w.variable.clone()] as const),
  );
  const reports: WeightNormInitReport[] = [];
  let input = batch;
  try {
    for (const layer of model.layers) {
      if (isWeightNormalized(layer)) reports.push(initializeLayer(layer, input));
      const next = tidy(() => layer.apply(input));
      if (input !== batch) input.dispose();
      input = next;
    }
  } catch (error) {
    for (const [variable, value] of saved) variable.assign(value);
    throw error;
  } finally {
    if (input !== batch) input.dispose();
    for (const [, value] of saved) value.dispose();
  }
  return reports;
}
