/**
 * DropConnect (Wan et al. 2013): a dense layer whose *weights* get a Bernoulli mask at each training step
 * (one mask per step, shared by the batch), where dropout masks the activations. Inverted scaling
 * (W∘M/(1 − rate)) makes the inference layer — the plain weights — the expectation of the training layer
 * over masks. (The paper's moment-matching Gaussian inference is not implemented.)
 */
import { add, div, matMul, mul, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  BaseLayer,
  createRandom,
  defineLayerConfig,
  field,
  glorotUniformInitializer,
  optionalField,
  zerosInitializer,
  type ActivationFunction,
  type ApplyContext,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
  type RandomState,
} from '@gradwell/core';
import { assertRate, keepMask } from './dropout';

export interface DropConnectArgs {
  units: number;
  rate: number;
  activation?: ActivationFunction;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  seed?: number;
  name?: string;
}

const DROP_CONNECT_CONFIG = defineLayerConfig('DropConnectDense', {
  units: field('integer'),
  rate: field('number'),
  seed: optionalField('integer'),
  activation: field('activation'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
});

export class DropConnectDense extends BaseLayer {
  readonly className = 'DropConnectDense';
  readonly units: number;
  readonly rate: number;
  readonly activation: ActivationFunction | undefined;
  readonly seed: number;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private random: RandomSource;

  constructor(args: DropConnectArgs) {
    super(args.name, 'dropConnect');
    assertPositiveInteger('dropConnect', 'units', args.units);
    assertRate('dropConnect', args.rate);
    this.units = args.units;
    this.rate = args.rate;
    this.activation = args.activation;
    this.seed = args.seed ?? 0;
    this.kernelInitializer = args.kernelInitializer ?? glorotUniformInitializer;
    this.biasInitializer = args.biasInitializer ?? zerosInitializer;
    this.random = createRandom(this.seed);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1)
      throw new Error(
        `dropConnect '${this.name}': input must be [batch, features], got per-example shape [${inputShape.join(', ')}].`,
      );
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addWeight('kernel', [inputShape[0] as number, this.units], this.kernelInitializer, random);
    this.addWeight('bias', [this.units], this.biasInitializer, random);
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    let kernel: Tensor = this.weight('kernel');
    if (context.training === true && this.rate > 0) {
      kernel = div(mul(kernel, keepMask(kernel.shape, this.rate, this.random)), 1 - this.rate);
    }
    const linear = add(matMul(x as Tensor2D, kernel as Tensor2D), this.weight('bias'));
    return this.activation === undefined ? linear : this.activation.apply(linear);
  }

  computeOutputShape(): number[] {
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

  getConfig(): Record<string, unknown> {
    return DROP_CONNECT_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): DropConnectDense {
    return new DropConnectDense(DROP_CONNECT_CONFIG.read(config, resolvers));
  }
}
