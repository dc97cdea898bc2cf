/**
 * LAMB (You et al. 2019, "Large batch optimization for deep learning: training BERT in 76 minutes"): Adam's
 * step for each weight matrix rescaled by its layer's trust ratio, so that every layer moves by the same
 * fraction of its own norm whatever the scale of its gradients — what lets the batch (and the learning
 * rate) grow far past where Adam or momentum SGD stop converging; see gradient accumulation in fit.
 *
 * For a weight W of rank ≥ 2, after Adam's bias-corrected moments m̂ and v̂:
 *   u = m̂ / (√v̂ + ε) + λ·W,   W ← W − η · (‖W‖ / ‖u‖) · u
 * (the ratio is 1 where either norm is 0, as in TensorFlow Addons). Biases and batch-norm parameters (rank
 * < 2) take Adam's plain step, without decay or ratio — the parameter groups timm and NVIDIA's apex use,
 * and the convention of gradwell's decoupled weight decay (only weights of rank ≥ 2 decay).
 *
 * The state is Adam's (the same moments, β powers and iteration count, saved and restored the same way);
 * the class name is its own, so a checkpoint of one is never put into the other.
 */
import {
  add,
  div,
  mul,
  norm,
  serialization,
  sqrt,
  square,
  sub,
  tidy,
  AdamOptimizer,
  type NamedTensorMap,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { adamMoments, gradientsOf, type AdamState, type NamedTensor } from './fused-optimizers';

export class LambOptimizer extends AdamOptimizer {
  /** @nocollapse */
  static override get className(): string {
    return 'Lamb';
  }

  /** λ: the weight decay added to each weight matrix's step before the trust ratio (default 0). */
  readonly weightDecay: number;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number, weightDecay = 0) {
    super(learningRate, beta1, beta2, epsilon);
    this.weightDecay = weightDecay;
  }

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const state = this as unknown as AdamState;
    tidy(() => {
      const c1 = sub(1, state.accBeta1);
      const c2 = sub(1, state.accBeta2);
      gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
        const { value, m, v } = adamMoments(state, i, name);
        if (gradient === undefined) return;
        const newM = add(mul(m, this.beta1), mul(gradient, 1 - this.beta1));
        const newV = add(mul(v, this.beta2), mul(square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        const adamStep = div(div(newM, c1), add(sqrt(div(newV, c2)), this.epsilon));
        value.assign(sub(value, mul(this.layerStep(value, adamStep), this.learningRate)));
      });
      state.accBeta1.assign(mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** The step of one weight: Adam's for a bias, the decayed step times the trust ratio for a matrix. */
  private layerStep(value: Variable, adamStep: Tensor): Tensor {
    if (value.rank < 2) return adamStep;
    const update = this.weightDecay > 0 ? add(adamStep, mul(value, this.weightDecay)) : adamStep;
    const weightNorm = norm(value) as Scalar;
    const updateNorm = norm(update) as Scalar;
    const w = weightNorm.dataSync()[0] as number;
    const u = updateNorm.dataSync()[0] as number;
    // ‖W‖/‖u‖ computed on the tensors (float32, as the step itself), 1 where either norm is 0
    return w > 0 && u > 0 ? mul(update, div(weightNorm, updateNorm)) : update;
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }

  /** @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new (cls as unknown as typeof LambOptimizer)(
      config.learningRate as number,
      config.beta1 as number,
      config.beta2 as number,
      config.epsilon as number,
      (config.weightDecay as number | undefined) ?? 0,
    ) as unknown as T;
  }
}

serialization.registerClass(LambOptimizer);
