/**
 * LSUV, layer-sequential unit-variance initialisation (Mishkin & Matas 2016): orthogonal pre-init, then,
 * layer by layer from the input, scale each layer's kernel by √(target / Var) until the variance of the
 * layer's output on the batch is within `tolerance` of the target. Works on any core `Sequential`;
 * layers without a kernel are passed through. A weight-normalised layer (batchnorm's WeightNormDense /
 * WeightNormConv2d: a kernel v and its lengths g) gets its v orthogonal and its g rescaled, since the
 * length of v does not change its output.
 *
 * The variance measured is, by default, that of the layer's affine output before its activation (the
 * conv/FC output blob of the paper): a tanh or sigmoid output can never reach a variance of 1.
 * `measure: 'output'` uses the activated output instead (for ReLU nets, the paper's in-place ReLU blob).
 */
import { moments, mul, tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertOneOf,
  assertPositiveInteger,
  assertFiniteValues,
  assertKnownOptions,
  optionKeys,
  createRandom,
  hasPreActivation,
  type Sequential,
  assertBoolean,
} from '@gradwell/core';
import { orthogonal } from './orthogonal';

export interface LsuvOptions {
  /** Default 1. */
  targetVariance?: number;
  /** |Var − target| below which a layer is done; default 0.1 (the paper's Tol_var). */
  tolerance?: number;
  /** Scalings per layer at most; default 10 (the paper's T_max). */
  maxIterations?: number;
  /** Orthogonal pre-initialisation of every kernel (default true, as in the paper). */
  orthogonalInit?: boolean;
  /** Seed of the orthogonal pre-init; default 0. */
  seed?: number;
  /** 'preActivation' (default, where the layer has one) or 'output'. */
  measure?: 'preActivation' | 'output';
}

export interface LsuvLayerReport {
  layer: string;
  /** Kernel rescalings done. */
  iterations: number;
  /** Output variance on the batch after the last rescaling. */
  variance: number;
  converged: boolean;
}

/** Variance of `f()`'s output (everything it makes is freed). */
function varianceOf(f: () => Tensor): number {
  const v = tidy(() => moments(f()).variance);
  const value = v.dataSync()[0] as number;
  v.dispose();
  return value;
}

const LSUV_KEYS = optionKeys<LsuvOptions>({
  targetVariance: 1,
  tolerance: 1,
  maxIterations: 1,
  orthogonalInit: 1,
  seed: 1,
  measure: 1,
});

export function lsuv(model: Sequential, batch: Tensor, options: LsuvOptions = {}): LsuvLayerReport[] {
  assertKnownOptions('lsuv', options, LSUV_KEYS);
  const {
    targetVariance = 1,
    tolerance = 0.1,
    maxIterations = 10,
    orthogonalInit = true,
    seed = 0,
    measure: where = 'preActivation',
  } = options;
  assertOneOf('lsuv', 'measure', where, ['preActivation', 'output']);
  assertBoolean('lsuv', 'orthogonalInit', orthogonalInit);
  model.checkBatch('lsuv', 'batch', batch);
  assertFiniteValues('lsuv', 'batch', batch);
  assertInRange('lsuv', 'targetVariance', targetVariance, { min: 0, minInclusive: false });
  assertInRange('lsuv', 'tolerance', tolerance, { min: 0, minInclusive: false });
  assertPositiveInteger('lsuv', 'maxIterations', maxIterations);
  if (!model.built) model.build(batch.shape.slice(1));
  const random = createRandom(seed);
  const reports: LsuvLayerReport[] = [];
  let input = batch;
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => w.name.endsWith('/kernel'))?.variable;
    // A weight-normalised layer (w = g·v/‖v‖) ignores its kernel's length: its scale is g.
    const scale = layer.weights.find((w) => w.name === `${layer.name}/g`)?.variable ?? kernel;
    if (kernel !== undefined && scale !== undefined) {
      if (orthogonalInit) {
        const fresh = orthogonal().apply(kernel.shape, random.fork());
        kernel.assign(fresh);
        fresh.dispose();
      }
      let iterations = 0;
      const layerInput = input;
      const measure = () =>
        varianceOf(() =>
          where === 'preActivation' && hasPreActivation(layer)
            ? layer.applyPreActivation(layerInput)
            : layer.apply(layerInput),
        );
      let current = measure();
      while (Math.abs(current - targetVariance) > tolerance && iterations < maxIterations) {
        if (!(current > 0) || !Number.isFinite(current)) {
          throw new Error(
            `lsuv: layer '${layer.name}' outputs variance ${current} on this batch; it cannot be rescaled to ${targetVariance}.`,
          );
        }
        const factor = Math.sqrt(targetVariance / current);
        tidy(() => scale.assign(mul(scale, factor)));
        iterations++;
        current = measure();
      }
      reports.push({
        layer: layer.name,
        iterations,
        variance: current,
        converged: Math.abs(current - targetVariance) <= tolerance,
      });
    }
    const next = tidy(() => layer.apply(input));
    if (input !== batch) input.dispose();
    input = next;
  }
  if (input !== batch) input.dispose();
  return reports;
}
