/** Paper references shared by several activations. */
import { isNaN, where, type Tensor } from '@tensorflow/tfjs-core';
import type { PaperReference } from '../define-activation';

/** `y` with NaN wherever `x` is NaN (clamping kernels such as wasm's relu6 turn NaN into a number). */
export const keepNaN = (x: Tensor, y: Tensor): Tensor => where(isNaN(x), x, y);

export const NAIR_HINTON_2010: PaperReference = {
  authors: 'V. Nair, G. E. Hinton',
  title: 'Rectified Linear Units Improve Restricted Boltzmann Machines',
  year: 2010,
};

export const SQRT2 = Math.SQRT2;
export const POSITIVE_REALS: readonly [number, number] = [0, Number.POSITIVE_INFINITY];
export const ALL_REALS: readonly [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
