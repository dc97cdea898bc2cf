/**
 * Decoupled weight decay (Loshchilov & Hutter 2019, "AdamW"/"SGDW") as a wrapper around any tfjs-core
 * optimiser: each step first shrinks the decayed weights, w ← w·(1 − η·λ), then applies the wrapped
 * optimiser's update. Unlike an L2 penalty, the decay is not scaled by Adam's per-weight step sizes.
 * tfjs-core's optimisers have no such option.
 */
import { engine, mul, Optimizer, tidy, type NamedTensorMap, type Variable } from '@tensorflow/tfjs-core';
import { assertInRange, assertKnownOptions } from '@gradwell/core';

/**
 * tfjs-core's `{ name, tensor }` pair. It is not exported from tfjs-core's entry point, so every signature
 * that uses it is written out here: an inferred type would name `@tensorflow/tfjs-core/dist/tensor_types`
 * in the published .d.ts, which `moduleResolution: nodenext` cannot resolve (tfjs-core has no exports map
 * entry for it).
 */
export type NamedTensor = Parameters<Optimizer['setWeights']>[0][number];

export interface DecoupledWeightDecayOptions {
  /** λ; 0.01 is a common AdamW value. */
  weightDecay: number;
  /** η; default the wrapped optimiser's `learningRate`. */
  learningRate?: number;
  /**
   * Which weights decay, by variable; default those of rank ≥ 2 (kernels), not biases or the 1-D scales
   * and shifts of normalisation layers.
   */
  shouldDecay?: (variable: Variable) => boolean;
}

export class DecoupledWeightDecay extends Optimizer {
  static readonly className = 'DecoupledWeightDecay';
  readonly weightDecay: number;
  /** η of the decay factor 1 − η·λ; a learning-rate schedule updates it with the wrapped optimiser's. */
  learningRate: number;
  private readonly shouldDecay: (variable: Variable) => boolean;

  constructor(
    readonly base: Optimizer,
    options: DecoupledWeightDecayOptions,
  ) {
    super();
    assertKnownOptions('decoupledWeightDecay', options, ['weightDecay', 'learningRate', 'shouldDecay']);
    assertInRange('decoupledWeightDecay', 'weightDecay', options.weightDecay, { min: 0 });
    const learningRate = options.learningRate ?? (base as Optimizer & { learningRate?: number }).learningRate;
    assertInRange('decoupledWeightDecay', 'learningRate', learningRate, { min: 0, minInclusive: false });
    this.weightDecay = options.weightDecay;
    this.learningRate = learningRate;
    this.shouldDecay = options.shouldDecay ?? ((variable) => variable.rank >= 2);
  }

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((g) => g.name)
      : Object.keys(variableGradients);
    const factor = 1 - this.learningRate * this.weightDecay;
    tidy(() => {
      for (const name of names) {
        const variable = this.engineVariable(name);
        if (variable !== undefined && variable.trainable && this.shouldDecay(variable))
          variable.assign(mul(variable, factor));
      }
    });
    this.base.applyGradients(variableGradients);
  }

  private engineVariable(name: string): Variable | undefined {
    return engine().registeredVariables[name];
  }

  override getWeights(): Promise<NamedTensor[]> {
    return this.base.getWeights();
  }

  override setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.base.setWeights(weightValues);
  }

  override dispose(): void {
    this.base.dispose();
    super.dispose();
  }

  getConfig() {
    return { weightDecay: this.weightDecay, learningRate: this.learningRate };
  }
}

/** Wraps an optimiser with decoupled weight decay (see {@link DecoupledWeightDecay}). */
export function withDecoupledWeightDecay(
  optimizer: Optimizer,
  options: DecoupledWeightDecayOptions,
): DecoupledWeightDecay {
  return new DecoupledWeightDecay(optimizer, options);
}
