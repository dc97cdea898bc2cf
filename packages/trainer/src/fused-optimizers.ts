/**
 * tfjs-core's Adam, momentum and plain SGD optimisers with each variable's update fused into one pass
 * where gradwell's SIMD kernels run (core's `fusedAdamUpdate`: one read of w, g, m, v and one write of
 * w, m, v instead of fourteen kernels; `fusedMomentumUpdate`: one pass instead of four, or six with
 * Nesterov; `fusedSgdUpdate`: one instead of two), and tfjs's own operations everywhere else. Same state,
 * the same values (bit for bit on wasm), the same class names, weights and checkpoints as
 * `tf.train.adam`, `tf.train.momentum` and `tf.train.sgd`.
 */
import {
  AdamOptimizer,
  MomentumOptimizer,
  SGDOptimizer,
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
import {
  fusedAdamUpdate,
  fusedMomentumUpdate,
  fusedSgdUpdate,
  simdKernelsAvailable,
  type AdamStepCoefficients,
} from '@gradwell/core';

/** tfjs-core's NamedTensor (not exported from its index). */
export type NamedTensor = Parameters<AdamOptimizer['setWeights']>[0][number];

/** An optimiser's per-variable state, as tfjs keeps it. */
export interface Slot {
  originalName: string;
  variable: Variable;
}

/** Each variable's name and gradient (undefined where none is given), from either form tfjs takes. */
export function gradientsOf(
  variableGradients: NamedTensorMap | NamedTensor[],
): Array<{ name: string; gradient: Tensor | undefined }> {
  return Array.isArray(variableGradients)
    ? variableGradients.map((v) => ({ name: v.name, gradient: v.tensor ?? undefined }))
    : Object.keys(variableGradients).map((name) => ({
        name,
        gradient: variableGradients[name] ?? undefined,
      }));
}

/** A zero slot shaped like `value` (not trainable), made as tfjs's optimisers make theirs. */
export function zeroSlot(value: Variable, originalName: string): Slot {
  return { originalName, variable: tidy(() => zerosLike(value).variable(false)) };
}

/** The parts of tfjs's AdamOptimizer that it keeps private (LAMB's too: it keeps Adam's state). */
export interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Array<Slot | undefined>;
  accumulatedSecondMoment: Array<Slot | undefined>;
}

/**
 * The variable `name` and its Adam moments, made (zero) and indexed as tfjs's Adam makes them: by the
 * gradient's position `i`. Shared with LAMB, which keeps Adam's state.
 */
export function adamMoments(
  state: AdamState,
  i: number,
  name: string,
): { value: Variable; m: Variable; v: Variable } {
  const value = engine().registeredVariables[name] as Variable;
  state.accumulatedFirstMoment[i] ??= zeroSlot(value, `${name}/m`);
  state.accumulatedSecondMoment[i] ??= zeroSlot(value, `${name}/v`);
  return { value, m: state.accumulatedFirstMoment[i].variable, v: state.accumulatedSecondMoment[i].variable };
}

export class FusedAdamOptimizer extends AdamOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients as Parameters<AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const state = this as unknown as AdamState;
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
    gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
      const { value, m, v } = adamMoments(state, i, name);
      if (gradient === undefined) return;
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

/** The parts of tfjs's MomentumOptimizer that it keeps private. */
interface MomentumState {
  accumulations: Array<Slot | undefined>;
  momentum: number;
  useNesterov: boolean;
}

export class FusedMomentumOptimizer extends MomentumOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients as Parameters<MomentumOptimizer['applyGradients']>[0]);
      return;
    }
    const state = this as unknown as MomentumState;
    const step = {
      learningRate: this.learningRate,
      momentum: state.momentum,
      nesterov: state.useNesterov,
    };
    gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
      const value = engine().registeredVariables[name] as Variable;
      // made, and indexed, as tfjs's momentum optimiser makes them: by the gradient's position
      state.accumulations[i] ??= zeroSlot(value, `${name}/momentum`);
      if (gradient === undefined) return;
      const accumulation = state.accumulations[i].variable;
      if (fusedMomentumUpdate(value, gradient, accumulation, step)) return;
      // tfjs's operations, where the fused kernel cannot run
      tidy(() => {
        const m = state.momentum;
        const next = add(mul(m, accumulation), gradient);
        const direction = step.nesterov ? add(gradient, mul(next, m)) : next;
        accumulation.assign(next);
        value.assign(add(mul(-this.learningRate, direction), value));
      });
    });
    this.incrementIterations();
  }
}

export class FusedSgdOptimizer extends SGDOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients);
      return;
    }
    const step = { learningRate: this.learningRate };
    for (const { name, gradient } of gradientsOf(variableGradients)) {
      if (gradient === undefined) continue;
      const value = engine().registeredVariables[name] as Variable;
      if (fusedSgdUpdate(value, gradient, step)) continue;
      // tfjs's operations, where the fused kernel cannot run
      tidy(() => value.assign(add(mul(this.c, gradient), value)));
    }
    this.incrementIterations();
  }
}
