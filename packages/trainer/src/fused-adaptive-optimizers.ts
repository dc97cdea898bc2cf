/**
 * tfjs-core's RMSProp and Adagrad optimisers with each variable's update fused into one pass where
 * gradwell's SIMD kernels run (core's `fusedRmspropUpdate`: one pass instead of eleven kernels, sixteen
 * centered; `fusedAdagradUpdate`: one instead of seven), and tfjs's own operations everywhere else. Same
 * state, the same values (bit for bit on wasm), the same class names, weights and checkpoints as
 * `tf.train.rmsprop` and `tf.train.adagrad`.
 */
import {
  AdagradOptimizer,
  RMSPropOptimizer,
  add,
  div,
  engine,
  fill,
  mul,
  sqrt,
  square,
  sub,
  tidy,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import {
  fusedAdagradUpdate,
  fusedRmspropUpdate,
  simdKernelsAvailable,
  type RmspropStepCoefficients,
} from '@gradwell/core';
import { gradientsOf, zeroSlot, type NamedTensor, type Slot } from './fused-optimizers';

/** The parts of tfjs's RMSPropOptimizer that it keeps private. */
interface RmspropState {
  centered: boolean;
  accumulatedMeanSquares: Array<Slot | undefined>;
  accumulatedMoments: Array<Slot | undefined>;
  accumulatedMeanGrads: Array<Slot | undefined>;
}

export class FusedRMSPropOptimizer extends RMSPropOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as RmspropState;
    const step: RmspropStepCoefficients = {
      learningRate: this.learningRate,
      decay: this.decay,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
    gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
      const value = engine().registeredVariables[name] as Variable;
      // made, and indexed, as tfjs's RMSProp makes them: by the gradient's position
      state.accumulatedMeanSquares[i] ??= zeroSlot(value, `${name}/rms`);
      state.accumulatedMoments[i] ??= zeroSlot(value, `${name}/momentum`);
      if (state.centered) state.accumulatedMeanGrads[i] ??= zeroSlot(value, `${name}/mg`);
      if (gradient === undefined) return;
      const meanSquare = state.accumulatedMeanSquares[i].variable;
      const moment = state.accumulatedMoments[i].variable;
      const meanGradient = state.centered ? state.accumulatedMeanGrads[i]?.variable : undefined;
      if (fusedRmspropUpdate(value, gradient, meanSquare, moment, step, meanGradient)) return;
      this.composedUpdate(value, gradient, meanSquare, moment, meanGradient);
    });
    this.incrementIterations();
  }

  /** tfjs's operations for one variable, where the fused kernel cannot run. */
  private composedUpdate(
    value: Variable,
    gradient: Tensor,
    meanSquare: Variable,
    moment: Variable,
    meanGradient: Variable | undefined,
  ): void {
    tidy(() => {
      const newMeanSquare = add(mul(meanSquare, this.decay), mul(square(gradient), 1 - this.decay));
      const newMeanGradient =
        meanGradient === undefined
          ? undefined
          : add(mul(meanGradient, this.decay), mul(gradient, 1 - this.decay));
      const denominator =
        newMeanGradient === undefined
          ? sqrt(add(newMeanSquare, this.epsilon))
          : sqrt(sub(newMeanSquare, add(square(newMeanGradient), this.epsilon)));
      if (newMeanGradient !== undefined) meanGradient?.assign(newMeanGradient);
      const newMoment = add(mul(moment, this.momentum), div(mul(gradient, this.learningRate), denominator));
      meanSquare.assign(newMeanSquare);
      moment.assign(newMoment);
      value.assign(sub(value, newMoment));
    });
  }
}

/** The parts of tfjs's AdagradOptimizer that it keeps private. */
interface AdagradState {
  initialAccumulatorValue: number;
  accumulatedGrads: Array<Slot | undefined>;
}

export class FusedAdagradOptimizer extends AdagradOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (!simdKernelsAvailable(engine().backend)) {
      super.applyGradients(variableGradients as Parameters<AdagradOptimizer['applyGradients']>[0]);
      return;
    }
    const state = this as unknown as AdagradState;
    // tfjs's Adagrad adds the backend's ε, not one of its own
    const step = { learningRate: this.learningRate, epsilon: engine().backend.epsilon() };
    gradientsOf(variableGradients).forEach(({ name, gradient }, i) => {
      const value = engine().registeredVariables[name] as Variable;
      // made, and indexed, as tfjs's Adagrad makes them: by the gradient's position, filled with c₀
      state.accumulatedGrads[i] ??= {
        originalName: `${name}/accumulator`,
        variable: tidy(() => fill(value.shape, state.initialAccumulatorValue).variable(false)),
      };
      if (gradient === undefined) return;
      const accumulator = state.accumulatedGrads[i].variable;
      if (fusedAdagradUpdate(value, gradient, accumulator, step)) return;
      // tfjs's operations, where the fused kernel cannot run
      tidy(() => {
        const next = add(accumulator, square(gradient));
        accumulator.assign(next);
        value.assign(add(mul(div(gradient, sqrt(add(next, step.epsilon))), -this.learningRate), value));
      });
    });
    this.incrementIterations();
  }
}
