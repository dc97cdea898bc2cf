/**
 * SReLU, the S-shaped rectified linear unit (Jin et al. 2016), with four parameters learned per channel:
 *
 *   f(x) = t_r + a_r(x − t_r)  for x ≥ t_r
 *          x                   for t_l < x < t_r
 *          t_l + a_l(x − t_l)  for x ≤ t_l
 *
 * Initial values as in the reference Keras implementation: t_l = 0, a_l ~ U[0, 1), t_r ~ U[0, 5), a_r = 1.
 */
import { add, greaterEqual, lessEqual, mul, sub, where, type Tensor } from '@tensorflow/tfjs-core';
import {
  BaseLayer,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  uniformInitializer,
  zerosInitializer,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
} from '@gradwell/core';

export interface SreluArgs {
  tLeftInitializer?: Initializer;
  aLeftInitializer?: Initializer;
  tRightInitializer?: Initializer;
  aRightInitializer?: Initializer;
  name?: string;
}

const PARAMETERS = ['tLeft', 'aLeft', 'tRight', 'aRight'] as const;

const SRELU_CONFIG = defineLayerConfig('SRelu', {
  tLeftInitializer: optionalField('initializer'),
  aLeftInitializer: optionalField('initializer'),
  tRightInitializer: optionalField('initializer'),
  aRightInitializer: optionalField('initializer'),
});

export class SRelu extends BaseLayer {
  readonly className = 'SRelu';
  protected readonly layerConfig = SRELU_CONFIG;
  readonly tLeftInitializer: Initializer;
  readonly aLeftInitializer: Initializer;
  readonly tRightInitializer: Initializer;
  readonly aRightInitializer: Initializer;

  constructor(args: SreluArgs = {}) {
    super(args.name, 'srelu');
    SRELU_CONFIG.assertArgs(args);
    this.tLeftInitializer = args.tLeftInitializer ?? zerosInitializer;
    this.aLeftInitializer = args.aLeftInitializer ?? uniformInitializer(0, 1);
    this.tRightInitializer = args.tRightInitializer ?? uniformInitializer(0, 5);
    this.aRightInitializer = args.aRightInitializer ?? constantInitializer(1);
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[inputShape.length - 1] ?? 1;
    for (const name of PARAMETERS) this.addWeight(name, [channels], this[`${name}Initializer`], random);
  }

  protected call(x: Tensor): Tensor {
    const [tLeft, aLeft, tRight, aRight] = PARAMETERS.map((name) => this.weight(name)) as unknown as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const right = add(tRight, mul(aRight, sub(x, tRight)));
    const left = add(tLeft, mul(aLeft, sub(x, tLeft)));
    return where(greaterEqual(x, tRight), right, where(lessEqual(x, tLeft), left, x));
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): SRelu {
    return new SRelu(SRELU_CONFIG.read(config, resolvers));
  }
}

/** An SReLU layer (see {@link SRelu}). */
export function sreluLayer(args: SreluArgs = {}): SRelu {
  return new SRelu(args);
}
