/**
 * DropConnect (Wan et al. 2013): a dense layer whose *weights* get a Bernoulli mask at each training step
 * (one mask per step, shared by the batch), where dropout masks the activations. Inverted scaling
 * (W∘M/(1 − rate)) makes the inference layer — the plain weights — the expectation of the training layer
 * over masks. (The paper's moment-matching Gaussian inference is not implemented.)
 */
import { div, matMul, mul, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import {
  AFFINE_FIELDS,
  AffineLayer,
  assertPositiveInteger,
  createRandom,
  defineLayerConfig,
  field,
  optionalField,
  type AffineArgs,
  type ApplyContext,
  type ObjectResolvers,
  type RandomSource,
  type RandomState,
} from '@gradwell/core';
import { assertRate, keepMask } from './dropout';

export interface DropConnectArgs extends AffineArgs {
  units: number;
  /** Probability of dropping each weight in a training step. */
  rate: number;
  /** Seed of the masks; default 0. */
  seed?: number;
}

const DROP_CONNECT_CONFIG = defineLayerConfig('DropConnectDense', {
  units: field('integer'),
  rate: field('number'),
  seed: optionalField('integer'),
  ...AFFINE_FIELDS,
});

export class DropConnectDense extends AffineLayer {
  readonly className = 'DropConnectDense';
  protected readonly layerConfig = DROP_CONNECT_CONFIG;
  readonly units: number;
  readonly rate: number;
  readonly seed: number;
  private random: RandomSource;

  constructor(args: DropConnectArgs) {
    super(args, 'dropConnect');
    DROP_CONNECT_CONFIG.assertArgs(args);
    assertPositiveInteger('dropConnect', 'units', args.units);
    assertRate('dropConnect', args.rate);
    this.units = args.units;
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
    this.random = createRandom(this.seed);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1)
      throw this.inputError(
        `input must be [batch, features], got per-example shape [${inputShape.join(', ')}].`,
      );
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addKernelAndBias([inputShape[0] as number, this.units], this.units, random);
  }

  /** x·(W∘M)/(1 − rate) with a fresh mask M in training; x·W at inference (the masks' expectation). */
  protected product(x: Tensor, context: ApplyContext): Tensor {
    let kernel: Tensor = this.weight('kernel');
    if (context.training === true && this.rate > 0)
      kernel = div(mul(kernel, keepMask(kernel.shape, this.rate, this.random)), 1 - this.rate);
    return matMul(x as Tensor2D, kernel as Tensor2D);
  }

  override computeOutputShape(): number[] {
    return [this.units];
  }

  /** The mask sequence's position, saved by checkpoints so that a resumed run draws the same masks. */
  getRandomState(): RandomState {
    return this.random.getState();
  }

  setRandomState(state: RandomState): void {
    this.random.setState(state);
  }

  /** Restarts the mask sequence from the seed, and draws the weights afresh. */
  override resetWeights(random?: RandomSource): void {
    super.resetWeights(random);
    this.random = createRandom(this.seed);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): DropConnectDense {
    return new DropConnectDense(DROP_CONNECT_CONFIG.read(config, resolvers));
  }
}
