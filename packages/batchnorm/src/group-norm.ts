/**
 * Group normalisation (Wu & He 2018) for NHWC images: the channels are split into `groups`, and each
 * example is normalised over (height, width, channels of the group); γ, β per channel. Independent of
 * the batch size. groups = 1 is layer norm over the image; groups = channels is instance norm.
 */
import { add, moments, mul, reshape, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import { assertPositiveInteger, defineLayerConfig, optionalField, type RandomSource } from '@gradwell/core';
import { NORMALIZATION_FIELDS, NormalizationLayer, type NormalizationArgs } from './normalization-layer';

export interface GroupNormArgs extends NormalizationArgs {
  /** Default 32 (the paper's); must divide the channel count. */
  groups?: number;
}

const GROUP_NORM_CONFIG = defineLayerConfig('GroupNorm', {
  ...NORMALIZATION_FIELDS,
  groups: optionalField('integer'),
});

export class GroupNorm extends NormalizationLayer {
  readonly className = 'GroupNorm';
  protected readonly layerConfig = GROUP_NORM_CONFIG;
  readonly groups: number;

  constructor(args: GroupNormArgs = {}) {
    super(args, 'groupNorm', 1e-5);
    GROUP_NORM_CONFIG.assertArgs(args);
    this.groups = args.groups ?? 32;
    assertPositiveInteger('groupNorm', 'groups', this.groups);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3) {
      throw this.inputError(`input must be NHWC images, got per-example shape [${inputShape.join(', ')}].`);
    }
    const channels = inputShape[2] as number;
    if (channels % this.groups !== 0) {
      throw this.inputError(`${this.groups} groups do not divide ${channels} channels.`);
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addAffineWeights(inputShape[2] as number, random);
  }

  protected call(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const grouped = reshape(x, [n, h, w, this.groups, c / this.groups]);
    const { mean, variance } = moments(grouped, [1, 2, 4], true);
    return this.applyAffine(
      reshape(mul(sub(grouped, mean), rsqrt(add(variance, this.epsilon))), [n, h, w, c]),
    );
  }

  static fromConfig(config: Record<string, unknown>): GroupNorm {
    return new GroupNorm(GROUP_NORM_CONFIG.read(config));
  }
}

export function groupNormalization(args: GroupNormArgs = {}): GroupNorm {
  return new GroupNorm(args);
}
