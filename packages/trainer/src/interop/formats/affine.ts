/** Dense, Conv2D, DepthwiseConv2D and gradwell's DropConnect and maxout in the tfjs-layers/Keras format. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { Conv2d, Dense, DepthwiseConv2d, type Layer } from '@gradwell/core';
import { Maxout } from '@gradwell/activations';
import { DropConnectDense } from '@gradwell/regularizers';
import { activationFromLayers, activationToLayers } from '../keras-activations';
import { initializerFromLayers, initializerToLayers } from '../keras-initializers';
import {
  NO_PENALTIES,
  pairOf,
  requiredWeight,
  weightOf,
  type LayerFormat,
  type LayersLayer,
  type LayersLayerInput,
  type LayerSpec,
} from '../layer-format';
import { ModelFileError } from '../model-file-error';

type Affine = Dense | Conv2d | DepthwiseConv2d | DropConnectDense;

/** activation, use_bias, initialisers and the empty penalty slots of a dense or conv layer. */
export function affineConfig(layer: Affine, kernelKey = 'kernelInitializer'): Record<string, unknown> {
  return {
    activation: activationToLayers(layer.activation),
    useBias: layer.useBias,
    [kernelKey]: initializerToLayers(layer.kernelInitializer),
    biasInitializer: initializerToLayers(layer.biasInitializer),
    ...NO_PENALTIES,
  };
}

export function affineWeights(
  layer: Layer & { useBias: boolean },
  kernelParam = 'kernel',
): LayersLayer['weights'] {
  return [
    { param: kernelParam, value: weightOf(layer, 'kernel') },
    ...(layer.useBias ? [{ param: 'bias', value: weightOf(layer, 'bias') }] : []),
  ];
}

/** The shared arguments read back: activation, bias, initialisers. */
export function affineArgs(input: LayerSpec, kernelKey = 'kernelInitializer') {
  const where = `layer '${input.name}' (${input.className})`;
  const { config } = input;
  for (const key of [
    'kernelRegularizer',
    'biasRegularizer',
    'activityRegularizer',
    'kernelConstraint',
    'biasConstraint',
  ])
    if (config[key] !== null && config[key] !== undefined)
      throw new ModelFileError(
        'unknown-class',
        `${where}: has a ${key}; gradwell's layers take penalties and constraints in fit ({ penalty }) and regularizers' applyConstraint, not per layer — remove it from the file or train without it.`,
      );
  return {
    name: input.name,
    activation: activationFromLayers(config.activation, where),
    useBias: (config.useBias as boolean | undefined) ?? true,
    kernelInitializer: initializerFromLayers(config[kernelKey] ?? { className: 'GlorotUniform' }, where),
    biasInitializer: initializerFromLayers(config.biasInitializer ?? { className: 'Zeros' }, where),
  };
}

/** kernel (under `kernelParam`) and bias (when the config uses one). */
export function affineValues(input: LayersLayerInput, kernelParam = 'kernel'): Record<string, Tensor> {
  return {
    kernel: requiredWeight(input, kernelParam),
    ...(input.config.useBias !== false ? { bias: requiredWeight(input, 'bias') } : {}),
  };
}

export function checkChannelsLast(spec: LayerSpec): void {
  const format = spec.config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channelsLast')
    throw new ModelFileError(
      'unknown-class',
      `layer '${spec.name}' (${spec.className}): data_format ${JSON.stringify(format)}; gradwell runs NHWC (channels_last) only.`,
    );
}

export const DENSE_FORMAT: LayerFormat = {
  gradwell: ['Dense'],
  layers: ['Dense'],
  write: (layer) => {
    const dense = layer as Dense;
    return {
      className: 'Dense',
      config: { units: dense.units, ...affineConfig(dense) },
      weights: affineWeights(dense),
    };
  },
  create: (spec) => new Dense({ ...affineArgs(spec), units: spec.config.units as number }),
  values: (input) => affineValues(input),
};

export const convolution = (layer: Conv2d | DepthwiseConv2d) => ({
  kernelSize: layer.kernelSize,
  strides: layer.strides,
  padding: layer.padding,
  dataFormat: 'channelsLast',
  dilationRate: layer.dilationRate,
});

export const convolutionArgs = (config: Record<string, unknown>) => ({
  kernelSize: pairOf(config.kernelSize),
  strides: pairOf(config.strides ?? 1),
  padding: (config.padding as 'valid' | 'same' | undefined) ?? 'valid',
  dilationRate: pairOf(config.dilationRate ?? 1),
});

export const CONV2D_FORMAT: LayerFormat = {
  gradwell: ['Conv2d'],
  layers: ['Conv2D'],
  write: (layer) => {
    const conv = layer as Conv2d;
    return {
      className: 'Conv2D',
      config: { filters: conv.filters, ...convolution(conv), ...affineConfig(conv) },
      weights: affineWeights(conv),
    };
  },
  create(spec) {
    checkChannelsLast(spec);
    return new Conv2d({
      ...affineArgs(spec),
      ...convolutionArgs(spec.config),
      filters: spec.config.filters as number,
    });
  },
  values: (input) => affineValues(input),
};

export const DEPTHWISE_CONV2D_FORMAT: LayerFormat = {
  gradwell: ['DepthwiseConv2d'],
  layers: ['DepthwiseConv2D'],
  write: (layer) => {
    const conv = layer as DepthwiseConv2d;
    const config: Record<string, unknown> = {
      ...convolution(conv),
      depthMultiplier: conv.depthMultiplier,
      ...affineConfig(conv, 'depthwiseInitializer'),
    };
    const { kernelRegularizer: _r, kernelConstraint: _c, ...rest } = config;
    return {
      className: 'DepthwiseConv2D',
      config: { ...rest, depthwiseRegularizer: null, depthwiseConstraint: null },
      weights: affineWeights(conv, 'depthwise_kernel'),
    };
  },
  create(spec) {
    checkChannelsLast(spec);
    const { depthwiseRegularizer, depthwiseConstraint, ...config } = spec.config;
    const args = affineArgs(
      {
        ...spec,
        config: { ...config, kernelRegularizer: depthwiseRegularizer, kernelConstraint: depthwiseConstraint },
      },
      'depthwiseInitializer',
    );
    return new DepthwiseConv2d({
      ...args,
      ...convolutionArgs(config),
      depthMultiplier: (config.depthMultiplier as number | undefined) ?? 1,
    });
  },
  values: (input) => affineValues(input, 'depthwise_kernel'),
};

/** gradwell's DropConnect dense layer (at inference a Dense with the same weights: see keras-export.ts). */
export const DROP_CONNECT_FORMAT: LayerFormat = {
  gradwell: ['DropConnectDense'],
  layers: ['GradwellDropConnectDense'],
  write: (layer) => {
    const dense = layer as DropConnectDense;
    return {
      className: 'GradwellDropConnectDense',
      config: { units: dense.units, rate: dense.rate, seed: dense.seed, ...affineConfig(dense) },
      weights: affineWeights(dense),
    };
  },
  create(spec) {
    const { units, rate, seed } = spec.config as { units: number; rate: number; seed?: number };
    return new DropConnectDense({ ...affineArgs(spec), units, rate, seed });
  },
  values: (input) => affineValues(input),
};

/** gradwell's maxout (Goodfellow et al. 2013): no Keras layer has it. */
export const MAXOUT_FORMAT: LayerFormat = {
  gradwell: ['Maxout'],
  layers: ['GradwellMaxout'],
  write: (layer) => {
    const maxout = layer as Maxout;
    return {
      className: 'GradwellMaxout',
      config: {
        units: maxout.units,
        pieces: maxout.pieces,
        kernelInitializer: initializerToLayers(maxout.kernelInitializer),
        biasInitializer: initializerToLayers(maxout.biasInitializer),
      },
      weights: affineWeights(maxout),
    };
  },
  create(spec) {
    const where = `layer '${spec.name}' (${spec.className})`;
    const { units, pieces, kernelInitializer, biasInitializer } = spec.config;
    return new Maxout({
      name: spec.name,
      units: units as number,
      pieces: pieces as number,
      kernelInitializer: initializerFromLayers(kernelInitializer, where),
      biasInitializer: initializerFromLayers(biasInitializer, where),
    });
  },
  values: (input) => affineValues(input),
};
