/**
 * Layer normalisation (Ba, Kiros & Hinton 2016): each example normalised over its own features (every axis
 * but the batch), then γ, β per channel (last axis). Same computation in training and inference, so it
 * works at any batch size (even 1).
 */
import { add, moments, mul, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  BaseLayer,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  type RandomSource,
  zerosInitializer,
} from '@gradwell/core';

export interface LayerNormArgs {
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  name?: string;
}

const LAYER_NORM_CONFIG = defineLayerConfig('LayerNorm', {
  epsilon: optionalField('number'),
  center: optionalField('boolean'),
  scale: optionalField('boolean'),
});

export class LayerNorm extends BaseLayer {
  readonly className = 'LayerNorm';
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(args: LayerNormArgs = {}) {
    super(args.name, 'layerNorm');
    this.epsilon = args.epsilon ?? 1e-3;
    assertInRange('layerNorm', 'epsilon', this.epsilon, { min: 0, minInclusive: false });
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = [inputShape[inputShape.length - 1] as number];
    if (this.scale) this.addWeight('gamma', channels, constantInitializer(1), random);
    if (this.center) this.addWeight('beta', channels, zerosInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    const { mean, variance } = moments(x, axes, true);
    let y = mul(sub(x, mean), rsqrt(add(variance, this.epsilon)));
    if (this.scale) y = mul(y, this.weight('gamma'));
    if (this.center) y = add(y, this.weight('beta'));
    return y;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  getConfig(): Record<string, unknown> {
    return LAYER_NORM_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>): LayerNorm {
    return new LayerNorm(LAYER_NORM_CONFIG.read(config));
  }
}

export function layerNormalization(args: LayerNormArgs = {}): LayerNorm {
  return new LayerNorm(args);
}
