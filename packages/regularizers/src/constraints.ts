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
  Variable,
} from '@tensorflow/tfjs-core';
import { assertInRange, assertKnownOptions, assertTensor, GradwellArgumentError } from '@gradwell/core';

export interface WeightConstraint {
  readonly className: string;
  /** The projected weights. */
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

/** Projects `variable` in place. */
export function applyConstraint(variable: Variable, constraint: WeightConstraint): void {
  assertTensor('applyConstraint', 'variable', variable, { dtypes: ['float32'] });
  if (!(variable instanceof Variable))
    throw new GradwellArgumentError(
      'applyConstraint',
      'variable',
      'a tf.Variable (a layer weight)',
      variable,
    );
  const axis = (constraint.getConfig() as { axis?: number | number[] }).axis;
  const axes = axis === undefined ? [] : Array.isArray(axis) ? axis : [axis];
  if (axes.some((a) => a >= variable.rank))
    throw new GradwellArgumentError(
      'applyConstraint',
      'variable',
      `a weight with axis ${axes.join(', ')} (the constraint's ${constraint.className} axis)`,
      variable,
    );
  tidy(() => variable.assign(constraint.apply(variable)));
}

function checkAxis(context: string, axis: unknown): void {
  const axes = Array.isArray(axis) ? axis : [axis];
  if (axes.length === 0 || axes.some((a) => typeof a !== 'number' || !Number.isInteger(a) || a < 0))
    throw new GradwellArgumentError(context, 'axis', 'a non-negative integer axis or a list of them', axis);
}

const EPSILON = 1e-7;

/** L2 norm over `axis` (one axis or several; tf.norm takes at most two), keeping dimensions. */
const normOver = (w: Tensor, axis: number | number[]): Tensor => sqrt(sum(square(w), axis, true));

export function maxNorm(maxValue: number, options: { axis?: number | number[] } = {}): WeightConstraint {
  assertKnownOptions('maxNorm', options, ['axis']);
  const { axis = 0 } = options;
  assertInRange('maxNorm', 'maxValue', maxValue, { min: 0, minInclusive: false });
  checkAxis('maxNorm', axis);
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

export function unitNorm(options: { axis?: number | number[] } = {}): WeightConstraint {
  assertKnownOptions('unitNorm', options, ['axis']);
  const { axis = 0 } = options;
  checkAxis('unitNorm', axis);
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
  assertInRange('clipWeights', 'min', min, {});
  assertInRange('clipWeights', 'max', max, { min });
  return {
    className: 'clipWeights',
    apply: (w) => clipByValue(w, min, max),
    getConfig: () => ({ min, max }),
  };
}
