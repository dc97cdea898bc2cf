/**
 * Layer normalisation (Ba, Kiros & Hinton 2016): each example normalised over its own features (every axis
 * but the batch), then γ, β per channel (last axis). Same computation in training and inference, so it
 * works at any batch size (even 1).
 */
import { add, moments, mul, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineLayerConfig, type RandomSource } from '@gradwell/core';
import { NORMALIZATION_FIELDS, NormalizationLayer, type NormalizationArgs } from './normalization-layer';

export type LayerNormArgs = NormalizationArgs;

const LAYER_NORM_CONFIG = defineLayerConfig('LayerNorm', NORMALIZATION_FIELDS);

export class LayerNorm extends NormalizationLayer {
  readonly className = 'LayerNorm';
  protected readonly layerConfig = LAYER_NORM_CONFIG;

  constructor(args: LayerNormArgs = {}) {
    super(args, 'layerNorm');
    LAYER_NORM_CONFIG.assertArgs(args);
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addAffineWeights(inputShape[inputShape.length - 1] as number, random);
  }

  protected call(x: Tensor): Tensor {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    const { mean, variance } = moments(x, axes, true);
    return this.applyAffine(mul(sub(x, mean), rsqrt(add(variance, this.epsilon))));
  }

  static fromConfig(config: Record<string, unknown>): LayerNorm {
    return new LayerNorm(LAYER_NORM_CONFIG.read(config));
  }
}

export function layerNormalization(args: LayerNormArgs = {}): LayerNorm {
  return new LayerNorm(args);
}
