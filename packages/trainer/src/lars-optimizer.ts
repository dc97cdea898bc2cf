/**
 * LARS (You, Gitman & Ginsburg 2017, "Large batch training of convolutional networks"): momentum SGD whose
 * step for each weight matrix is scaled by its layer's own learning rate
 *
 *   λ = η · ‖W‖ / (‖∇W‖ + β·‖W‖),   a ← μ·a + λ·(∇W + β·W),   W ← W − γ·a
 *
 * (η the trust coefficient, β the weight decay, μ the momentum, γ the global rate — kept outside the
 * accumulator, as tfjs's and Keras's momentum keep it, so a schedule changes the next steps only). Every
 * layer then moves by about the same fraction of its norm whatever the scale of its gradients, which keeps
 * the large rates of large batches stable. λ is 1 where ‖W‖ or ‖∇W‖ is 0 (TensorFlow's convention).
 * Biases and batch-norm parameters (rank < 2) take plain momentum SGD, without decay or λ — the parameter
 * groups of LAMB here and of the usual LARS set-ups (e.g. TensorFlow's TPU ResNet skips `bias` and
 * `batch_normalization`).
 *
 * The state is momentum's (one accumulator per weight, saved and restored the same way); the class name is
 * its own, so a checkpoint of one is never put into the other.
 */
import {
  add,
  dispose,
  div,
  engine,
  greater,
  logicalAnd,
  mul,
  onesLike,
  serialization,
  sqrt,
  square,
  sum,
  tidy,
  where,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { FusedMomentumOptimizer, gradientsOf, type NamedTensor } from './fused-optimizers';

/** ‖x‖ as a scalar tensor (tfjs's `norm` squares with `pow`, an element-wise call per value on wasm). */
const euclidean = (x: Tensor): Tensor => sqrt(sum(square(x)));

export class LarsOptimizer extends FusedMomentumOptimizer {
  /** @nocollapse */
  static override get className(): string {
    return 'Lars';
  }

  constructor(
    learningRate: number,
    momentum: number,
    /** η: how far, as a fraction of ‖W‖ per unit of the global rate, a weight matrix moves (default 0.001). */
    readonly trustCoefficient = 0.001,
    /** β: weight decay of the weight matrices, inside λ (default 0). */
    readonly weightDecay = 0,
  ) {
    super(learningRate, momentum, false);
  }

  /**
   * Momentum's update (one fused SIMD pass per variable where gradwell's kernels run) on each weight
   * matrix's λ·(∇W + β·W) and each bias's gradient: a ← μ·a + step, W ← W − γ·a.
   */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const given = gradientsOf(variableGradients);
    // null where a variable has no gradient: tfjs's momentum skips it, keeping the slots' positions
    const steps = given.map(({ name, gradient }) => ({
      name,
      tensor:
        gradient === undefined
          ? null
          : tidy(() => this.layerStep(engine().registeredVariables[name] as Variable, gradient)),
    }));
    try {
      super.applyGradients(steps as NamedTensor[]);
    } finally {
      dispose(
        steps.flatMap(({ tensor }, i) => (tensor !== null && tensor !== given[i]?.gradient ? [tensor] : [])),
      );
    }
  }

  /** λ·(∇W + β·W) for a weight matrix; the gradient itself for a bias. */
  private layerStep(value: Variable, gradient: Tensor): Tensor {
    if (value.rank < 2) return gradient;
    const weightNorm = euclidean(value);
    const gradientNorm = euclidean(gradient);
    const decayed = this.weightDecay > 0 ? add(gradient, mul(value, this.weightDecay)) : gradient;
    const ratio = div(
      mul(weightNorm, this.trustCoefficient),
      add(gradientNorm, mul(weightNorm, this.weightDecay)),
    );
    // No read-back: where either norm is 0 the ratio (0/0 or x/0) is not taken
    const defined = logicalAnd(greater(weightNorm, 0), greater(gradientNorm, 0));
    return mul(decayed, where(defined, ratio, onesLike(ratio)));
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      trustCoefficient: this.trustCoefficient,
      weightDecay: this.weightDecay,
    };
  }

  /** @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new (cls as unknown as typeof LarsOptimizer)(
      config.learningRate as number,
      config.momentum as number,
      (config.trustCoefficient as number | undefined) ?? 0.001,
      (config.weightDecay as number | undefined) ?? 0,
    ) as unknown as T;
  }
}

serialization.registerClass(LarsOptimizer);
