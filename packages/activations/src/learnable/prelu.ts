/**
 * PReLU (He et al. 2015): f(x) = x for x > 0, αx otherwise, with α learned — one per channel (the last
 * axis) by default, or one shared by all units. α starts at 0.25 as in the paper.
 */
import { prelu, type Tensor } from '@tensorflow/tfjs-core';
import {
  BaseLayer,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
} from '@gradwell/core';

export interface PreluArgs {
  /** One α per channel (default) or one for the whole layer. */
  shared?: boolean;
  /** Default constant 0.25. */
  alphaInitializer?: Initializer;
  name?: string;
}

const PRELU_CONFIG = defineLayerConfig('PRelu', {
  shared: optionalField('boolean'),
  alphaInitializer: optionalField('initializer'),
});

export class PRelu extends BaseLayer {
  readonly className = 'PRelu';
  protected readonly layerConfig = PRELU_CONFIG;
  readonly shared: boolean;
  readonly alphaInitializer: Initializer;

  constructor(args: PreluArgs = {}) {
    super(args.name, 'prelu');
    PRELU_CONFIG.assertArgs(args);
    this.shared = args.shared ?? false;
    this.alphaInitializer = args.alphaInitializer ?? constantInitializer(0.25);
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[inputShape.length - 1] ?? 1;
    this.addWeight('alpha', this.shared ? [1] : [channels], this.alphaInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    return prelu(x, this.weight('alpha'));
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): PRelu {
    return new PRelu(PRELU_CONFIG.read(config, resolvers));
  }
}

/** A PReLU layer (see {@link PRelu}). */
export function preluLayer(args: PreluArgs = {}): PRelu {
  return new PRelu(args);
}
