/**
 * Group normalisation (Wu & He 2018) for NHWC images: the channels are split into `groups`, and each
 * example is normalised over (height, width, channels of the group); γ, β per channel. Independent of
 * the batch size. groups = 1 is layer norm over the image; groups = channels is instance norm.
 */
import { add, moments, mul, reshape, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertPositiveInteger,
  BaseLayer,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  type RandomSource,
  zerosInitializer,
} from '@gradwell/core';

export interface GroupNormArgs {
  /** Default 32 (the paper's); must divide the channel count. */
  groups?: number;
  epsilon?: number;
  name?: string;
}

const GROUP_NORM_CONFIG = defineLayerConfig('GroupNorm', {
  groups: optionalField('integer'),
  epsilon: optionalField('number'),
});

export class GroupNorm extends BaseLayer {
  readonly className = 'GroupNorm';
  readonly groups: number;
  readonly epsilon: number;

  constructor(args: GroupNormArgs = {}) {
    super(args.name, 'groupNorm');
    this.groups = args.groups ?? 32;
    assertPositiveInteger('groupNorm', 'groups', this.groups);
    this.epsilon = args.epsilon ?? 1e-5;
    assertInRange('groupNorm', 'epsilon', this.epsilon, { min: 0, minInclusive: false });
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 3) {
      throw new Error(
        `GroupNorm '${this.name}': input must be NHWC images, got per-example shape [${inputShape.join(', ')}].`,
      );
    }
    const channels = inputShape[2] as number;
    if (channels % this.groups !== 0) {
      throw new Error(`GroupNorm '${this.name}': ${this.groups} groups do not divide ${channels} channels.`);
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = [inputShape[2] as number];
    this.addWeight('gamma', channels, constantInitializer(1), random);
    this.addWeight('beta', channels, zerosInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const grouped = reshape(x, [n, h, w, this.groups, c / this.groups]);
    const { mean, variance } = moments(grouped, [1, 2, 4], true);
    const normalized = reshape(mul(sub(grouped, mean), rsqrt(add(variance, this.epsilon))), [n, h, w, c]);
    return add(mul(normalized, this.weight('gamma')), this.weight('beta'));
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  getConfig(): Record<string, unknown> {
    return GROUP_NORM_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>): GroupNorm {
    return new GroupNorm(GROUP_NORM_CONFIG.read(config));
  }
}

export function groupNormalization(args: GroupNormArgs = {}): GroupNorm {
  return new GroupNorm(args);
}
