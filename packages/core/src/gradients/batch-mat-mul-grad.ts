/**
 * Gradient of `matMul`/`BatchMatMul` that also handles broadcast batch dimensions. tfjs-core 4.22
 * returns the gradient with the broadcast batch shape (e.g. [3, 6, 4] for a shared [6, 4] matrix), which
 * the engine then rejects; here each gradient is summed back over the axes its input was broadcast on.
 */
import {
  BatchMatMul,
  matMul,
  reshape,
  sum,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

/** Sums `gradient` over the axes that broadcasting added to or stretched in `shape`. */
export function sumToShape(gradient: Tensor, shape: readonly number[]): Tensor {
  const leading = gradient.rank - shape.length;
  let reduced =
    leading > 0
      ? sum(
          gradient,
          Array.from({ length: leading }, (_, i) => i),
        )
      : gradient;
  const stretched = shape.flatMap((d, i) => (d === 1 && reduced.shape[i] !== 1 ? [i] : []));
  if (stretched.length > 0) reduced = sum(reduced, stretched, true);
  return reduced.shape.length === shape.length ? reduced : reshape(reduced, [...shape]);
}

export const batchMatMulGradConfig: GradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [a, b] = saved as [Tensor, Tensor];
    const g = dy as Tensor;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    let da: () => Tensor;
    let db: () => Tensor;
    if (!transposeA && !transposeB) {
      da = () => matMul(g, b, false, true);
      db = () => matMul(a, g, true, false);
    } else if (!transposeA && transposeB) {
      da = () => matMul(g, b, false, false);
      db = () => matMul(g, a, true, false);
    } else if (transposeA && !transposeB) {
      da = () => matMul(b, g, false, true);
      db = () => matMul(a, g, false, false);
    } else {
      da = () => matMul(b, g, true, true);
      db = () => matMul(g, a, true, true);
    }
    return { a: () => sumToShape(da(), a.shape), b: () => sumToShape(db(), b.shape) };
  },
};
