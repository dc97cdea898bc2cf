/**
 * Weight constraints, applied after each update by projecting the weights back into the allowed set.
 * `maxNorm(c)` caps the L2 norm of each unit's incoming weights at c (Srivastava et al. 2014 pair it with
 * dropout and large learning rates); `unitNorm` sets it to 1; `nonNeg` clips negatives to 0. `axis` is
 * the axis (or axes) the norm runs over: 0 for a dense kernel [in, out]; [0, 1, 2] for a conv kernel.
 */
import {
  clipByValue,
  div,
  maximum,
  minimum,
  mul,
  relu,
  sqrt,
  square,
  sum,
  tidy,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { assertInRange } from '@gradwell/core';

export interface WeightConstraint {
  readonly className: string;
  /** The projected weights. */
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

/** Projects `variable` in place. */
export function applyConstraint(variable: Variable, constraint: WeightConstraint): void {
  tidy(() => variable.assign(constraint.apply(variable)));
}

const EPSILON = 1e-7;

/** L2 norm over `axis` (one axis or several; tf.norm takes at most two), keeping dimensions. */
const normOver = (w: Tensor, axis: number | number[]): Tensor => sqrt(sum(square(w), axis, true));

export function maxNorm(maxValue: number, { axis = 0 }: { axis?: number | number[] } = {}): WeightConstraint {
  assertInRange('maxNorm', 'maxValue', maxValue, { min: 0, minInclusive: false });
  return {
    className: 'maxNorm',
    apply: (w) =>
      tidy(() => {
        const norms = normOver(w, axis);
        return mul(w, div(minimum(norms, maxValue), maximum(norms, EPSILON)));
      }),
    getConfig: () => ({ maxValue, axis }),
  };
}

export function unitNorm({ axis = 0 }: { axis?: number | number[] } = {}): WeightConstraint {
  return {
    className: 'unitNorm',
    apply: (w) => tidy(() => div(w, maximum(normOver(w, axis), EPSILON))),
    getConfig: () => ({ axis }),
  };
}

export function nonNeg(): WeightConstraint {
  return { className: 'nonNeg', apply: (w) => relu(w), getConfig: () => ({}) };
}

/** Clips every weight into [min, max]. */
export function clipWeights(min: number, max: number): WeightConstraint {
  assertInRange('clipWeights', 'max', max, { min });
  return {
    className: 'clipWeights',
    apply: (w) => clipByValue(w, min, max),
    getConfig: () => ({ min, max }),
  };
}
