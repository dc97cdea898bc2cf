/**
 * tfjs-core's Adam with each variable's update fused into one pass where gradwell's SIMD kernels run
 * (core's `fusedAdamUpdate`: one read of w, g, m, v and one write of w, m, v instead of fourteen
 * kernels), and tfjs's own operations everywhere else. Same state, the same values (bit for bit on wasm),
 * the same class name, weights and checkpoints as `tf.train.adam`.
 */
import {
  AdamOptimizer,
  add,
  div,
  engine,
  mul,
  sqrt,
  square,
  tidy,
  zerosLike,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { fusedAdamUpdate, simdKernelsAvailable, type AdamStepCoefficients } from '@gradwell/core';

/** tfjs-core's NamedTensor (not exported from its index). */
type NamedTensor = Parameters<AdamOptimizer['setWeights']>[0][number];

/** The parts of tfjs's AdamOptimizer that it keeps private. */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: Variable } | undefined>;
}

export class FusedAdamOptimizer extends AdamOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients as Parameters<AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const f = Math.fround;
    // 1 − β₁ᵗ and 1 − β₂ᵗ as tfjs's float32 `sub(1, accBeta)` computes them
    const step: AdamStepCoefficients = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      c1: f(1 - (state.accBeta1.dataSync()[0] as number)),
      c2: f(1 - (state.accBeta2.dataSync()[0] as number)),
    };
    names.forEach((name, i) => {
      const value = engine().registeredVariables[name] as Variable;
      // The moments are made, and indexed, as tfjs's Adam makes them: by the gradient's position.
      state.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tidy(() => zerosLike(value).variable(false)),
      };
      state.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tidy(() => zerosLike(value).variable(false)),
      };
      const gradient = Array.isArray(variableGradients)
        ? variableGradients[i]?.tensor
        : variableGradients[name];
      if (gradient == null) return;
      const m = state.accumulatedFirstMoment[i].variable;
      const v = state.accumulatedSecondMoment[i].variable;
      if (!fusedAdamUpdate(value, gradient, m, v, step)) this.composedUpdate(value, gradient, m, v, step);
    });
    tidy(() => {
      state.accBeta1.assign(mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** tfjs's operations for one variable, where the fused kernel cannot run. */
  private composedUpdate(
    value: Variable,
    gradient: Tensor,
    m: Variable,
    v: Variable,
    step: AdamStepCoefficients,
  ): void {
    tidy(() => {
      const newM = add(mul(m, this.beta1), mul(gradient, 1 - this.beta1));
      const newV = add(mul(v, this.beta2), mul(square(gradient), 1 - this.beta2));
      const mHat = div(newM, step.c1);
      const vHat = div(newV, step.c2);
      m.assign(newM);
      v.assign(newV);
      value.assign(add(mul(div(mHat, add(sqrt(vHat), this.epsilon)), -this.learningRate), value));
    });
  }
}
