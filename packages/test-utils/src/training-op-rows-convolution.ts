/** Training-op table rows: convolutions and pooling. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { awayFromZero, distinctValues } from './inputs';
import { as3, as4, as5, u, type TrainingOpRow } from './training-op-row';

export const CONVOLUTION_ROWS: readonly TrainingOpRow[] = [
  // Convolutions.
  {
    name: 'conv2d same stride 1',
    inputs: () => [u([2, 7, 7, 3], 1), u([3, 3, 3, 4], 2)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'same'),
  },
  {
    name: 'conv2d valid stride 2',
    inputs: () => [u([2, 9, 8, 2], 3), u([3, 2, 2, 3], 4)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'valid'),
  },
  {
    name: 'conv2d same stride 2 even input',
    inputs: () => [u([1, 8, 8, 2], 5), u([3, 3, 2, 2], 6)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'same'),
  },
  {
    name: 'conv2d explicit padding',
    inputs: () => [u([1, 6, 5, 2], 7), u([3, 3, 2, 2], 8)],
    f: (x, w) =>
      tf.conv2d(as4(x), as4(w), 1, [
        [0, 0],
        [2, 1],
        [0, 2],
        [0, 0],
      ]),
  },
  {
    name: 'fused conv2d bias+relu',
    // Small weights and a bias of |b| ≥ 0.5 keep every pre-activation away from relu's kink.
    inputs: () => [u([2, 6, 6, 2], 9), u([3, 3, 2, 3], 10, -0.05, 0.05), awayFromZero([3], 11, 0.5)],
    f: (x, w, b) =>
      tf.fused.conv2d({ x: as4(x), filter: as4(w), strides: 1, pad: 'same', bias: b, activation: 'relu' }),
    epsilon: 1e-3,
  },
  {
    name: 'conv1d',
    inputs: () => [u([2, 10, 3], 12), u([3, 3, 4], 13)],
    f: (x, w) => tf.conv1d(as3(x), as3(w), 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2',
    inputs: () => [u([2, 4, 4, 3], 14), u([3, 3, 2, 3], 15)],
    f: (x, w) => tf.conv2dTranspose(as4(x), as4(w), [2, 8, 8, 2], 2, 'same'),
  },
  {
    name: 'separableConv2d',
    inputs: () => [u([1, 6, 6, 2], 16), u([3, 3, 2, 2], 17), u([1, 1, 4, 3], 18)],
    f: (x, d, p) => tf.separableConv2d(as4(x), as4(d), as4(p), 1, 'same'),
  },
  {
    name: 'depthwiseConv2d stride 1',
    inputs: () => [u([2, 6, 6, 3], 19), u([3, 3, 3, 1], 20)],
    f: (x, w) => tf.depthwiseConv2d(as4(x), as4(w), 1, 'same'),
  },
  {
    name: 'depthwiseConv2d stride 2 multiplier 2',
    inputs: () => [u([2, 7, 7, 2], 21), u([3, 3, 2, 2], 22)],
    f: (x, w) => tf.depthwiseConv2d(as4(x), as4(w), 2, 'valid'),
  },
  // tfjs defines no gradient for dilated depthwise convs; the forward is still checked.
  {
    name: 'depthwiseConv2d dilation 2 (forward)',
    inputs: () => [u([1, 8, 8, 2], 23), u([2, 2, 2, 1], 24)],
    f: (x, w) => tf.depthwiseConv2d(as4(x), as4(w), 1, 'same', 'NHWC', 2),
    differentiable: false,
  },
  {
    name: 'conv3d',
    inputs: () => [u([1, 4, 4, 4, 2], 25), u([2, 2, 2, 2, 2], 26)],
    f: (x, w) => tf.conv3d(as5(x), as5(w), 1, 'same'),
  },
  {
    name: 'conv2d 8 filters, stride 2, same (direct filter gradient)',
    inputs: () => [u([2, 7, 7, 3], 135), u([3, 3, 3, 8], 136)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'same'),
  },
  {
    name: 'conv2d 16 filters, 2×3 kernel, valid (direct filter gradient)',
    inputs: () => [u([3, 6, 5, 2], 137), u([2, 3, 2, 16], 138)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), [1, 2], 'valid'),
  },
  {
    name: 'conv2d 8→16 channels, valid (direct conv forward, backward-input and filter gradient)',
    inputs: () => [u([2, 6, 6, 8], 139), u([3, 3, 8, 16], 140)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'valid'),
  },
  {
    name: 'conv2d 4→8 channels, 2×3 kernel, strides [2, 1], same (direct conv forward)',
    inputs: () => [u([2, 7, 6, 4], 141), u([2, 3, 4, 8], 142)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), [2, 1], 'same'),
  },
  // The direct conv's two walks of the taps: one sweep (dilation 1 across) and chunks (dilated across).
  {
    name: 'conv2d 1→8 channels, valid (direct conv forward: a first layer, one sweep of the taps)',
    inputs: () => [u([3, 7, 6, 1], 209), u([3, 3, 1, 8], 210)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'valid'),
  },
  // tfjs defines no gradient for dilated convs; the forwards are checked.
  {
    name: 'conv2d 4→8 channels, dilations [2, 1], same (direct conv forward, one sweep; forward)',
    inputs: () => [u([2, 8, 7, 4], 211), u([3, 3, 4, 8], 212)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'same', 'NHWC', [2, 1]),
    differentiable: false,
  },
  {
    name: 'conv2d 3→8 channels, dilations [1, 2], valid (direct conv forward, chunks; forward)',
    inputs: () => [u([2, 7, 9, 3], 213), u([2, 3, 3, 8], 214)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'valid', 'NHWC', [1, 2]),
    differentiable: false,
  },
  // Backward-input by a product and a scatter (col2im); where kh·kw·ci is not a multiple of 8, Wᵀ has
  // zero columns up to one, which col2im skips.
  {
    name: 'conv2d 8→8 channels, 3×3, stride 2, same (backward-input by columns)',
    inputs: () => [u([2, 7, 7, 8], 195), u([3, 3, 8, 8], 196)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'same'),
  },
  {
    name: 'conv2d 8→4 channels, explicit padding (backward-input by columns)',
    inputs: () => [u([1, 6, 5, 8], 197), u([3, 3, 8, 4], 198)],
    f: (x, w) =>
      tf.conv2d(as4(x), as4(w), 1, [
        [0, 0],
        [2, 1],
        [0, 2],
        [0, 0],
      ]),
  },
  {
    name: 'conv2d 2→5 channels, 2×2 kernel, stride 2 (backward-input by columns, 8 taps)',
    inputs: () => [u([2, 7, 6, 2], 199), u([2, 2, 2, 5], 200)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'valid'),
  },
  {
    name: 'conv2d 3→4 channels, 3×3, stride 2, same (backward-input by columns, 27 taps in 32 columns)',
    inputs: () => [u([2, 7, 6, 3], 215), u([3, 3, 3, 4], 216)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2 to 1 channel, 5×5 (by columns, 25 taps in 32 columns)',
    inputs: () => [u([2, 4, 4, 6], 217), u([5, 5, 1, 6], 218)],
    f: (x, w) => tf.conv2dTranspose(as4(x), as4(w), [2, 8, 8, 1], 2, 'same'),
  },
  // Output channels not a multiple of 8: the filter gradient on the product with dy's channels padded to 8.
  {
    name: 'conv2d 1→6 channels, 5×5, same (filter gradient padded to 8 channels)',
    inputs: () => [u([2, 7, 6, 1], 219), u([5, 5, 1, 6], 220)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'same'),
  },
  {
    name: 'conv2d 9→1 channel, 3×3, stride 2, same (filter gradient padded to 8 channels)',
    inputs: () => [u([2, 7, 7, 9], 221), u([3, 3, 9, 1], 222)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2, 8 output channels (by columns)',
    inputs: () => [u([2, 4, 4, 3], 201), u([3, 3, 8, 3], 202)],
    f: (x, w) => tf.conv2dTranspose(as4(x), as4(w), [2, 8, 8, 8], 2, 'same'),
  },
  // tfjs defines no gradient for dilated convs; the forward is still checked.
  {
    name: 'conv2d 4→8 channels, dilation 2, same (direct conv forward)',
    inputs: () => [u([1, 8, 7, 4], 143), u([3, 3, 4, 8], 144)],
    f: (x, w) => tf.conv2d(as4(x), as4(w), 1, 'same', 'NHWC', 2),
    differentiable: false,
  },
  // Pooling.
  {
    name: 'maxPool 2x2',
    inputs: () => [distinctValues([2, 6, 6, 2], 27)],
    f: (x) => tf.maxPool(as4(x), 2, 2, 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool all-negative windows',
    inputs: () => [distinctValues([1, 4, 4, 2], 28, 0.1, -5)],
    f: (x) => tf.maxPool(as4(x), 2, 2, 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 2x2, 8 channels, uncovered edge (SIMD kernel)',
    inputs: () => [distinctValues([2, 5, 7, 8], 131)],
    f: (x) => tf.maxPool(as4(x), 2, 2, 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 3x2 windows, all-negative, 4 channels (SIMD kernel)',
    inputs: () => [distinctValues([1, 6, 4, 4], 132, 0.1, -5)],
    f: (x) => tf.maxPool(as4(x), [3, 2], [3, 2], 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 3x3 stride 1 same (overlapping)',
    inputs: () => [distinctValues([1, 5, 5, 2], 29)],
    f: (x) => tf.maxPool(as4(x), 3, 1, 'same'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 3x3 stride 2 same, 6 channels (SIMD windows kernel: padded, overlapping, 4 + 2 channels)',
    inputs: () => [distinctValues([2, 7, 6, 6], 133)],
    f: (x) => tf.maxPool(as4(x), 3, 2, 'same'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 3x3 stride 2 valid, 8 channels, all-negative (SIMD windows kernel)',
    inputs: () => [distinctValues([1, 7, 7, 8], 134, 0.05, -12)],
    f: (x) => tf.maxPool(as4(x), 3, 2, 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'maxPool 2x2 stride 2, 3 channels (SIMD windows kernel, channel by channel)',
    inputs: () => [distinctValues([2, 4, 6, 3], 135)],
    f: (x) => tf.maxPool(as4(x), 2, 2, 'valid'),
    epsilon: 1e-3,
  },
  { name: 'avgPool', inputs: () => [u([2, 6, 6, 2], 30)], f: (x) => tf.avgPool(as4(x), 2, 2, 'valid') },
  {
    name: 'avgPool 3x3 same',
    inputs: () => [u([1, 5, 5, 2], 31)],
    f: (x) => tf.avgPool(as4(x), 3, 1, 'same'),
  },
  {
    name: 'avgPool 3x3 stride 2 same, 6 channels (SIMD gradient: padded, overlapping, 4 + 2 channels)',
    inputs: () => [u([2, 7, 6, 6], 136)],
    f: (x) => tf.avgPool(as4(x), 3, 2, 'same'),
  },
  {
    name: 'avgPool 2x2 stride 2, 8 channels (SIMD gradient)',
    inputs: () => [u([2, 6, 6, 8], 137)],
    f: (x) => tf.avgPool(as4(x), 2, 2, 'valid'),
  },
  {
    name: 'maxPool3d all-negative',
    inputs: () => [distinctValues([1, 4, 4, 4, 1], 32, 0.1, -10)],
    f: (x) => tf.maxPool3d(as5(x), 2, 2, 'valid'),
    epsilon: 1e-3,
  },
  {
    name: 'avgPool3d',
    inputs: () => [u([1, 4, 4, 4, 2], 33)],
    f: (x) => tf.avgPool3d(as5(x), 2, 2, 'valid'),
  },
  {
    name: 'maxPoolWithArgmax all-negative (values)',
    inputs: () => [distinctValues([1, 4, 4, 2], 34, 0.1, -5)],
    f: (x) => {
      const { result, indexes } = tf.maxPoolWithArgmax(as4(x), 2, 2, 'valid');
      indexes?.dispose();
      return result as Tensor;
    },
    differentiable: false,
  },
  {
    name: 'dilation2d all-negative',
    // |w| < 0.04 < half of x's spacing: the window's argmax is decided by x, never a near-tie.
    inputs: () => [distinctValues([1, 5, 5, 2], 35, 0.1, -5), distinctValues([2, 2, 2], 36, 0.01)],
    f: (x, w) => tf.dilation2d(as4(x), w as tf.Tensor3D, 1, 'valid'),
    epsilon: 1e-3,
  },
];
