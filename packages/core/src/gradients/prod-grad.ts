/**
 * Gradient of `prod`, written on tfjs-core's public ops. tfjs-core's own calls the chained
 * `tensor.reshape()`, which exists only when the tfjs union package has installed chained ops.
 *
 * With the reduced axes moved last and flattened into one axis of length n, ∂(Π xᵢ)/∂xⱼ is the product
 * of all the other elements: the exclusive cumulative product from the left times the one from the right.
 */
import {
  backend_util,
  cumprod,
  mul,
  Prod,
  reshape,
  transpose,
  util,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

function prodGradient(x: Tensor, dy: Tensor, axes: number[]): Tensor {
  const rank = x.rank;
  const permutation = backend_util.getAxesPermutation(axes, rank);
  const moved = permutation === null ? x : transpose(x, permutation);
  const keptShape = moved.shape.slice(0, rank - axes.length);
  const reducedSize = moved.shape.slice(rank - axes.length).reduce((a, b) => a * b, 1);
  const flat = reshape(moved, [...keptShape, reducedSize]);
  const last = keptShape.length;
  const others = mul(cumprod(flat, last, true, false), cumprod(flat, last, true, true));
  const dx = reshape(mul(reshape(dy, [...keptShape, 1]), others), moved.shape);
  return permutation === null ? dx : transpose(dx, backend_util.getUndoAxesPermutation(permutation));
}

export const prodGradConfig: GradConfig = {
  kernelName: Prod,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor];
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
    return { x: () => prodGradient(x, dy as Tensor, axes) };
  },
};
