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
  div,
  engine,
  greater,
  logicalAnd,
  mul,
  norm,
  onesLike,
  serialization,
  sub,
  tidy,
  where,
  MomentumOptimizer,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { gradientsOf, zeroSlot, type NamedTensor, type Slot } from './fused-optimizers';

export class LarsOptimizer extends MomentumOptimizer {
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

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    // tfjs's MomentumOptimizer keeps these private
    const { accumulations, momentum } = this as unknown as {
      accumulations: Array<Slot | undefined>;
      momentum: number;
    };
    tidy(() => {
      gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
        const value = engine().registeredVariables[name] as Variable;
        // made, and indexed, as tfjs's momentum optimiser makes them: by the gradient's position
        accumulations[i] ??= zeroSlot(value, `${name}/momentum`);
        if (gradient === undefined) return;
        const accumulation = accumulations[i].variable;
        const next = add(mul(accumulation, momentum), this.layerStep(value, gradient));
        accumulation.assign(next);
        value.assign(sub(value, mul(next, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  /** λ·(∇W + β·W) for a weight matrix; the gradient itself for a bias. */
  private layerStep(value: Variable, gradient: Tensor): Tensor {
    if (value.rank < 2) return gradient;
    const weightNorm = norm(value);
    const gradientNorm = norm(gradient);
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
