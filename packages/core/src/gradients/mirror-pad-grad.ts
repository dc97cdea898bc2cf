/**
 * Gradient of `mirrorPad`. tfjs-core 4.22 only slices the centre out of dy, dropping every gradient
 * that reached a reflected copy. Here, axis by axis, each padded border is reversed and added back onto
 * the elements it was copied from (offset 1 in 'reflect' mode, which skips the edge, 0 in 'symmetric').
 */
import {
  addN,
  MirrorPad,
  pad,
  reverse,
  slice,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

function sliceAxis(x: Tensor, axis: number, begin: number, size: number): Tensor {
  const starts = x.shape.map((_, i) => (i === axis ? begin : 0));
  const sizes = x.shape.map((d, i) => (i === axis ? size : d));
  return slice(x, starts, sizes);
}

function padAxis(x: Tensor, axis: number, before: number, after: number): Tensor {
  return pad(
    x,
    x.shape.map((_, i): [number, number] => (i === axis ? [before, after] : [0, 0])),
  );
}

export const mirrorPadGradConfig: GradConfig = {
  kernelName: MirrorPad,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor];
    const paddings = attrs.paddings as Array<[number, number]>;
    const offset = attrs.mode === 'reflect' ? 1 : 0;
    const fold = (): Tensor => {
      let g = dy as Tensor;
      paddings.forEach(([before, after], axis) => {
        if (before === 0 && after === 0) return;
        const n = x.shape[axis] as number;
        const parts = [sliceAxis(g, axis, before, n)];
        if (before > 0)
          parts.push(
            padAxis(reverse(sliceAxis(g, axis, 0, before), axis), axis, offset, n - offset - before),
          );
        if (after > 0)
          parts.push(
            padAxis(reverse(sliceAxis(g, axis, before + n, after), axis), axis, n - after - offset, offset),
          );
        g = parts.length === 1 ? (parts[0] as Tensor) : addN(parts);
      });
      return g;
    };
    return { x: fold };
  },
};
