/**
 * Batch, layer and group normalisation, batch renormalisation and mean-only batch norm in the
 * tfjs-layers/Keras format.
 */
import { fill, max, min, reshape, slice, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { Layer } from '@gradwell/core';
import { BatchNorm, BatchRenorm, GroupNorm, LayerNorm, MeanOnlyBatchNorm } from '@gradwell/batchnorm';
import {
  requiredWeight,
  spreadChannels,
  weightOf,
  type LayerFormat,
  type LayersLayer,
  type LayersLayerInput,
  type LayerSpec,
} from '../layer-format';
import { ModelFileError } from '../model-file-error';

type Normalization = BatchNorm | BatchRenorm | LayerNorm | GroupNorm | MeanOnlyBatchNorm;

/** γ and β (where learned), each written by `spread`. */
function affineWeights(
  layer: Normalization,
  spread: (value: Tensor) => Tensor = (v) => v,
): LayersLayer['weights'] {
  return [
    ...(layer.scale ? [{ param: 'gamma', value: spread(weightOf(layer, 'gamma')) }] : []),
    ...(layer.center ? [{ param: 'beta', value: spread(weightOf(layer, 'beta')) }] : []),
  ];
}

const runningWeights = (layer: Layer): LayersLayer['weights'] => [
  { param: 'moving_mean', value: weightOf(layer, 'movingMean') },
  { param: 'moving_variance', value: weightOf(layer, 'movingVariance') },
];

const INITIALIZERS = {
  betaInitializer: { className: 'Zeros', config: {} },
  gammaInitializer: { className: 'Ones', config: {} },
  betaRegularizer: null,
  gammaRegularizer: null,
  betaConstraint: null,
  gammaConstraint: null,
};

const RUNNING_INITIALIZERS = {
  movingMeanInitializer: { className: 'Zeros', config: {} },
  movingVarianceInitializer: { className: 'Ones', config: {} },
};

/** The axis (or axes) a file normalises over, as non-negative indices of an input of `rank` (batch axis 0). */
function axesOf(input: LayerSpec): number[] {
  const rank = input.inputShape.length + 1;
  const raw = input.config.axis ?? -1;
  const axes = (Array.isArray(raw) ? raw : [raw]) as number[];
  return axes.map((axis) => (axis < 0 ? axis + rank : axis)).sort((a, b) => a - b);
}

function requireLastAxis(input: LayerSpec): void {
  const axes = axesOf(input);
  if (axes.length !== 1 || axes[0] !== input.inputShape.length)
    throw new ModelFileError(
      'unknown-class',
      `layer '${input.name}' (${input.className}): axis ${JSON.stringify(input.config.axis)}; gradwell normalises per channel, the last axis (channels_last).`,
    );
}

const learned = (config: Record<string, unknown>) => ({
  center: (config.center as boolean | undefined) ?? true,
  scale: (config.scale as boolean | undefined) ?? true,
});

/** γ and β from a file, as gradwell's per-channel vectors. */
function affineValues(
  input: LayersLayerInput,
  perChannel: (value: Tensor) => Tensor = (v) => v,
): Record<string, Tensor> {
  const { center, scale } = learned(input.config);
  return {
    ...(scale ? { gamma: perChannel(requiredWeight(input, 'gamma')) } : {}),
    ...(center ? { beta: perChannel(requiredWeight(input, 'beta')) } : {}),
  };
}

export const BATCH_NORMALIZATION_FORMAT: LayerFormat = {
  gradwell: ['BatchNorm'],
  layers: ['BatchNormalization'],
  write: (layer) => {
    const bn = layer as BatchNorm;
    const config = {
      axis: -1,
      momentum: bn.momentum,
      epsilon: bn.epsilon,
      center: bn.center,
      scale: bn.scale,
    };
    return {
      className: 'BatchNormalization',
      config: { ...config, ...INITIALIZERS, ...RUNNING_INITIALIZERS },
      weights: [...affineWeights(bn), ...runningWeights(bn)],
    };
  },
  create(spec) {
    requireLastAxis(spec);
    const { momentum, epsilon } = spec.config as { momentum?: number; epsilon?: number };
    return new BatchNorm({ name: spec.name, momentum, epsilon, ...learned(spec.config) });
  },
  values: (input) => ({
    ...affineValues(input),
    movingMean: requiredWeight(input, 'moving_mean'),
    movingVariance: requiredWeight(input, 'moving_variance'),
  }),
};

/**
 * gradwell's layer norm normalises each example over all its axes with one γ, β per channel; Keras's
 * `LayerNormalization` over those same axes has a γ, β per position, so they are written tiled.
 */
export const LAYER_NORMALIZATION_FORMAT: LayerFormat = {
  gradwell: ['LayerNorm'],
  layers: ['LayerNormalization'],
  write: (layer, inputShape) => {
    const norm = layer as LayerNorm;
    const axes = inputShape.map((_, i) => i + 1);
    return {
      className: 'LayerNormalization',
      config: {
        axis: axes.length === 1 ? -1 : axes,
        epsilon: norm.epsilon,
        center: norm.center,
        scale: norm.scale,
        ...INITIALIZERS,
      },
      weights: affineWeights(norm, (value) =>
        inputShape.length === 1 ? value : spreadChannels(value, inputShape, true),
      ),
    };
  },
  create(spec) {
    const axes = axesOf(spec);
    const all = spec.inputShape.map((_, i) => i + 1);
    if (axes.join(',') !== all.join(','))
      throw new ModelFileError(
        'unknown-class',
        `layer '${spec.name}' (LayerNormalization): axis ${JSON.stringify(spec.config.axis)}; gradwell's layer norm normalises over every axis of an example (${JSON.stringify(all)}).`,
      );
    const epsilon = spec.config.epsilon as number | undefined;
    return new LayerNorm({ name: spec.name, epsilon, ...learned(spec.config) });
  },
  values(input) {
    const channels = input.inputShape[input.inputShape.length - 1] as number;
    const perChannel = (value: Tensor): Tensor => {
      if (value.size === channels) return reshape(value, [channels]);
      // Tiled per position: gradwell keeps one value per channel, so every position must hold the same.
      const spread = tidy(() => {
        const grid = reshape(value, [-1, channels]);
        return max(sub(max(grid, 0), min(grid, 0))).dataSync()[0] as number;
      });
      if (spread > 0)
        throw new ModelFileError(
          'weight-mismatch',
          `layer '${input.name}' (LayerNormalization): γ/β differ between positions; gradwell's layer norm has one per channel.`,
        );
      return tidy(() => reshape(slice(reshape(value, [-1, channels]), [0, 0], [1, channels]), [channels]));
    };
    return affineValues(input, perChannel);
  },
};

/** Keras's GroupNormalization (tf.keras ≥ 2.11); tfjs-layers reads it after registerLayersInterop. */
export const GROUP_NORMALIZATION_FORMAT: LayerFormat = {
  gradwell: ['GroupNorm'],
  layers: ['GroupNormalization'],
  write: (layer) => {
    const norm = layer as GroupNorm;
    return {
      className: 'GroupNormalization',
      config: {
        groups: norm.groups,
        axis: -1,
        epsilon: norm.epsilon,
        center: norm.center,
        scale: norm.scale,
        ...INITIALIZERS,
      },
      weights: affineWeights(norm),
    };
  },
  create(spec) {
    requireLastAxis(spec);
    const { groups, epsilon } = spec.config as { groups?: number; epsilon?: number };
    return new GroupNorm({ name: spec.name, groups, epsilon, ...learned(spec.config) });
  },
  values: (input) => affineValues(input),
};

/** Batch renormalisation (Ioffe 2017): gradwell's class; Keras 3 has no counterpart. */
export const BATCH_RENORM_FORMAT: LayerFormat = {
  gradwell: ['BatchRenorm'],
  layers: ['GradwellBatchRenorm'],
  write: (layer) => {
    const norm = layer as BatchRenorm;
    const config = {
      rMax: norm.rMax,
      dMax: norm.dMax,
      momentum: norm.momentum,
      epsilon: norm.epsilon,
      center: norm.center,
      scale: norm.scale,
    };
    return {
      className: 'GradwellBatchRenorm',
      config,
      weights: [...affineWeights(norm), ...runningWeights(norm)],
    };
  },
  create(spec) {
    const { rMax, dMax, momentum, epsilon } = spec.config as Record<string, number | undefined>;
    return new BatchRenorm({ name: spec.name, rMax, dMax, momentum, epsilon, ...learned(spec.config) });
  },
  values: (input) => ({
    ...affineValues(input),
    movingMean: requiredWeight(input, 'moving_mean'),
    movingVariance: requiredWeight(input, 'moving_variance'),
  }),
};

/** Keras's default ε, with which a mean-only layer is written as a BatchNormalization. */
const KERAS_EPSILON = 1e-3;

/**
 * Mean-only batch norm (Salimans & Kingma): gradwell's class with β and the running mean. For Keras
 * (`target: 'keras'`) it is written as what it computes at inference, a BatchNormalization without γ whose
 * moving variance is 1 − ε, so that (x − μ)/√(σ² + ε) + β = x − μ + β (training it there would divide by
 * the batch's deviation).
 */
export const MEAN_ONLY_BATCH_NORM_FORMAT: LayerFormat = {
  gradwell: ['MeanOnlyBatchNorm'],
  layers: ['GradwellMeanOnlyBatchNorm'],
  write: (layer) => {
    const norm = layer as MeanOnlyBatchNorm;
    return {
      className: 'GradwellMeanOnlyBatchNorm',
      config: { momentum: norm.momentum, center: norm.center },
      weights: [...affineWeights(norm), { param: 'moving_mean', value: weightOf(norm, 'movingMean') }],
    };
  },
  writeKeras: (layer) => {
    const norm = layer as MeanOnlyBatchNorm;
    const movingMean = weightOf(norm, 'movingMean');
    return {
      className: 'BatchNormalization',
      config: {
        axis: -1,
        momentum: norm.momentum,
        epsilon: KERAS_EPSILON,
        center: norm.center,
        scale: false,
        ...INITIALIZERS,
        ...RUNNING_INITIALIZERS,
      },
      weights: [
        ...affineWeights(norm),
        { param: 'moving_mean', value: movingMean },
        { param: 'moving_variance', value: fill(movingMean.shape, 1 - KERAS_EPSILON) },
      ],
    };
  },
  create(spec) {
    const momentum = spec.config.momentum as number | undefined;
    return new MeanOnlyBatchNorm({ name: spec.name, momentum, center: learned(spec.config).center });
  },
  values: (input) => ({
    ...(learned(input.config).center ? { beta: requiredWeight(input, 'beta') } : {}),
    movingMean: requiredWeight(input, 'moving_mean'),
  }),
};
