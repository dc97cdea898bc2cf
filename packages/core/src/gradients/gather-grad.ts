/**
 * Gradient of `gather` (GatherV2), written on tfjs-core's public ops (tfjs-core's own calls chained
 * tensor methods in its `batchDims` path). The gradient of params is a segment sum of dy over the
 * gathered indices along `axis`; with `batchDims` > 0 it is done per batch entry.
 */
import {
  backend_util,
  GatherV2,
  reshape,
  stack,
  transpose,
  unsortedSegmentSum,
  unstack,
  util,
  zerosLike,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

function paramsGradient(x: Tensor, indices: Tensor, dy: Tensor, axis: number): Tensor {
  const outerShape = x.shape.slice(0, axis);
  const innerShape = x.shape.slice(axis + 1);
  const outerAxes = outerShape.map((_, i) => i);
  const innerAxes = innerShape.map((_, i) => outerShape.length + 1 + i);
  const values = reshape(dy, [...outerShape, indices.size, ...innerShape]);
  const permutation = [outerShape.length, ...outerAxes, ...innerAxes];
  const summed = unsortedSegmentSum(
    transpose(values, permutation),
    reshape(indices, [indices.size]),
    x.shape[axis] as number,
  );
  return transpose(summed, backend_util.getUndoAxesPermutation(permutation));
}

export const gatherGradConfig: GradConfig = {
  kernelName: GatherV2,
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, indices] = saved as [Tensor, Tensor];
    const batchDims = (attrs.batchDims as number | undefined) ?? 0;
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0] as number;
    const gradient = (): Tensor => {
      if (batchDims === 0) return paramsGradient(x, indices, dy as Tensor, axis);
      const xs = unstack(x);
      const indexRows = unstack(indices);
      const dys = unstack(dy as Tensor);
      return stack(xs.map((xi, i) => paramsGradient(xi, indexRows[i] as Tensor, dys[i] as Tensor, axis - 1)));
    };
    return { x: gradient, indices: () => zerosLike(indices) };
  },
};
