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
  serializeInitializer,
  uniformInitializer,
  zerosInitializer,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
  type SerializedObject,
} from '@gradwell/core';

export interface SreluArgs {
  tLeftInitializer?: Initializer;
  aLeftInitializer?: Initializer;
  tRightInitializer?: Initializer;
  aRightInitializer?: Initializer;
  name?: string;
}

const PARAMETERS = ['tLeft', 'aLeft', 'tRight', 'aRight'] as const;

export class SRelu extends BaseLayer {
  readonly className = 'SRelu';
  readonly initializers: Record<(typeof PARAMETERS)[number], Initializer>;

  constructor(args: SreluArgs = {}) {
    super(args.name, 'srelu');
    this.initializers = {
      tLeft: args.tLeftInitializer ?? zerosInitializer,
      aLeft: args.aLeftInitializer ?? uniformInitializer(0, 1),
      tRight: args.tRightInitializer ?? uniformInitializer(0, 5),
      aRight: args.aRightInitializer ?? constantInitializer(1),
    };
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[inputShape.length - 1] ?? 1;
    for (const name of PARAMETERS) this.addWeight(name, [channels], this.initializers[name], random);
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

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      ...Object.fromEntries(
        PARAMETERS.map((p) => [`${p}Initializer`, serializeInitializer(this.initializers[p])]),
      ),
    };
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): SRelu {
    const get = (p: string) => resolvers.initializer(config[`${p}Initializer`] as SerializedObject);
    return new SRelu({
      name: config.name as string,
      tLeftInitializer: get('tLeft'),
      aLeftInitializer: get('aLeft'),
      tRightInitializer: get('tRight'),
      aRightInitializer: get('aRight'),
    });
  }
}

/** An SReLU layer (see {@link SRelu}). */
export function sreluLayer(args: SreluArgs = {}): SRelu {
  return new SRelu(args);
}
