/**
 * Weight-normalised dense and conv layers (`@gradwell/batchnorm`) in the tfjs-layers/Keras format. For
 * tfjs-layers they are gradwell's own classes with their three weights — `kernel` (the direction v), `g`
 * (the lengths) and `bias` — so a model goes on training where it was saved. Keras has no such layer in
 * its standard set; there (`target: 'keras'`) each is written as what it computes at inference, the plain
 * Dense/Conv2D with the kernel g·v/‖v‖, as torch's `remove_weight_norm` does.
 */
import { WeightNormConv2d, WeightNormDense, weightNormKernel } from '@gradwell/batchnorm';
import { requiredWeight, weightOf, type LayerFormat, type LayersLayer } from '../layer-format';
import {
  affineArgs,
  affineConfig,
  affineValues,
  checkChannelsLast,
  convolution,
  convolutionArgs,
  CONV2D_FORMAT,
  DENSE_FORMAT,
} from './affine';

type WeightNormLayer = WeightNormDense | WeightNormConv2d;

/** kernel (v), bias, g, in that order (the layer's own). */
function weights(layer: WeightNormLayer): LayersLayer['weights'] {
  return [
    { param: 'kernel', value: weightOf(layer, 'kernel') },
    ...(layer.useBias ? [{ param: 'bias', value: weightOf(layer, 'bias') }] : []),
    { param: 'g', value: weightOf(layer, 'g') },
  ];
}

/** The plain layer's form with the kernel g·v/‖v‖ (a tensor made here; the writer frees it). */
function folded(layer: WeightNormLayer, written: LayersLayer): LayersLayer {
  const kernel = weightNormKernel(weightOf(layer, 'kernel'), weightOf(layer, 'g'));
  return {
    ...written,
    weights: written.weights.map((w) => (w.param === 'kernel' ? { param: 'kernel', value: kernel } : w)),
  };
}

export const WEIGHT_NORM_DENSE_FORMAT: LayerFormat = {
  gradwell: ['WeightNormDense'],
  layers: ['GradwellWeightNormDense'],
  write: (layer) => {
    const dense = layer as WeightNormDense;
    return {
      className: 'GradwellWeightNormDense',
      config: { units: dense.units, ...affineConfig(dense) },
      weights: weights(dense),
    };
  },
  writeKeras: (layer, inputShape) => {
    const dense = layer as WeightNormDense;
    return folded(dense, DENSE_FORMAT.write(dense, inputShape));
  },
  create: (spec) => new WeightNormDense({ ...affineArgs(spec), units: spec.config.units as number }),
  values: (input) => ({ ...affineValues(input), g: requiredWeight(input, 'g') }),
};

export const WEIGHT_NORM_CONV2D_FORMAT: LayerFormat = {
  gradwell: ['WeightNormConv2d'],
  layers: ['GradwellWeightNormConv2D'],
  write: (layer) => {
    const conv = layer as WeightNormConv2d;
    return {
      className: 'GradwellWeightNormConv2D',
      config: { filters: conv.filters, ...convolution(conv), ...affineConfig(conv) },
      weights: weights(conv),
    };
  },
  writeKeras: (layer, inputShape) => {
    const conv = layer as WeightNormConv2d;
    return folded(conv, CONV2D_FORMAT.write(conv, inputShape));
  },
  create(spec) {
    checkChannelsLast(spec);
    return new WeightNormConv2d({
      ...affineArgs(spec),
      ...convolutionArgs(spec.config),
      filters: spec.config.filters as number,
    });
  },
  values: (input) => ({ ...affineValues(input), g: requiredWeight(input, 'g') }),
};
