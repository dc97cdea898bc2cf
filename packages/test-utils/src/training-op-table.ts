/**
 * The table of training ops that gradwell holds the wasm backend to: each row is a function of some
 * inputs whose forward and gradient are compared between wasm and cpu and against central
 * differences. core's op-table test runs it; the threads work reuses it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D, Tensor4D, Tensor5D } from '@tensorflow/tfjs-core';
import { awayFromZero, distinctValues, positiveValues, uniformValues } from './inputs';

export interface TrainingOpRow {
  name: string;
  /** Fresh inputs (seeded, the same on every call). */
  inputs: () => Tensor[];
  f: (...xs: Tensor[]) => Tensor;
  /** False for ops without a gradient (oneHot, argmax outputs). Default true. */
  differentiable?: boolean;
  /** Indices of inputs to differentiate (default: all). */
  gradInputs?: number[];
  /** Central-difference step (default 1e-2). */
  epsilon?: number;
  /** Tolerance of wasm vs cpu (default rtol 1e-4, atol 1e-4). */
  rtol?: number;
  atol?: number;
}

const u = uniformValues;
const as4 = (x: Tensor) => x as Tensor4D;
const as2 = (x: Tensor) => x as Tensor2D;
const as3 = (x: Tensor) => x as Tensor3D;
const as5 = (x: Tensor) => x as Tensor5D;

export const TRAINING_OP_TABLE: readonly TrainingOpRow[] = [
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
    name: 'maxPool 3x3 stride 1 same (overlapping)',
    inputs: () => [distinctValues([1, 5, 5, 2], 29)],
    f: (x) => tf.maxPool(as4(x), 3, 1, 'same'),
    epsilon: 1e-3,
  },
  { name: 'avgPool', inputs: () => [u([2, 6, 6, 2], 30)], f: (x) => tf.avgPool(as4(x), 2, 2, 'valid') },
  {
    name: 'avgPool 3x3 same',
    inputs: () => [u([1, 5, 5, 2], 31)],
    f: (x) => tf.avgPool(as4(x), 3, 1, 'same'),
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
  // Matrix products.
  { name: 'matMul', inputs: () => [u([5, 7], 37), u([7, 4], 38)], f: (a, b) => tf.matMul(as2(a), as2(b)) },
  {
    name: 'matMul transposeA',
    inputs: () => [u([7, 5], 39), u([7, 4], 40)],
    f: (a, b) => tf.matMul(as2(a), as2(b), true, false),
  },
  {
    name: 'matMul transposeB',
    inputs: () => [u([5, 7], 41), u([4, 7], 42)],
    f: (a, b) => tf.matMul(as2(a), as2(b), false, true),
  },
  {
    name: 'matMul transposeA transposeB',
    inputs: () => [u([7, 5], 43), u([4, 7], 44)],
    f: (a, b) => tf.matMul(as2(a), as2(b), true, true),
  },
  {
    name: 'batched matMul',
    inputs: () => [u([3, 5, 6], 45), u([3, 6, 4], 46)],
    f: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'batched matMul transposeB',
    inputs: () => [u([2, 40, 30], 47), u([2, 20, 30], 48)],
    f: (a, b) => tf.matMul(a, b, false, true),
  },
  {
    name: 'batched matMul against a shared matrix',
    inputs: () => [u([3, 5, 6], 49), u([6, 4], 50)],
    f: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'fused matMul bias+relu transposeB',
    inputs: () => [u([6, 5], 51), u([4, 5], 52), awayFromZero([4], 53)],
    f: (a, b, bias) => tf.fused.matMul({ a: as2(a), b: as2(b), transposeB: true, bias, activation: 'relu' }),
    epsilon: 1e-3,
  },
  // Normalisation and statistics.
  {
    name: 'batchNorm',
    inputs: () => [
      u([4, 3, 3, 2], 54),
      u([2], 55),
      positiveValues([2], 56),
      u([2], 57),
      positiveValues([2], 58),
    ],
    f: (x, m, v, o, s) => tf.batchNorm(x, m, v, o, s, 1e-3),
  },
  {
    name: 'moments (mean and variance)',
    inputs: () => [u([6, 4], 59)],
    f: (x) => {
      const { mean, variance } = tf.moments(x, 0);
      return tf.concat([mean, variance]);
    },
  },
  // Activations.
  { name: 'relu', inputs: () => [awayFromZero([3, 5], 60)], f: (x) => tf.relu(x) },
  { name: 'relu6', inputs: () => [distinctValues([4, 5], 61, 0.7, 3)], f: (x) => tf.relu6(x), epsilon: 1e-3 },
  { name: 'leakyRelu', inputs: () => [awayFromZero([3, 5], 62)], f: (x) => tf.leakyRelu(x, 0.1) },
  {
    name: 'prelu',
    inputs: () => [awayFromZero([3, 5], 63), u([5], 64, 0.1, 0.3)],
    f: (x, a) => tf.prelu(x, a),
  },
  { name: 'elu', inputs: () => [awayFromZero([3, 5], 65)], f: (x) => tf.elu(x) },
  { name: 'selu', inputs: () => [awayFromZero([3, 5], 66)], f: (x) => tf.selu(x) },
  { name: 'sigmoid', inputs: () => [u([3, 5], 67, -4, 4)], f: (x) => tf.sigmoid(x) },
  { name: 'logSigmoid', inputs: () => [u([3, 5], 68, -4, 4)], f: (x) => tf.logSigmoid(x) },
  { name: 'tanh', inputs: () => [u([3, 5], 69, -3, 3)], f: (x) => tf.tanh(x) },
  { name: 'softplus', inputs: () => [u([3, 5], 70, -4, 4)], f: (x) => tf.softplus(x) },
  { name: 'erf', inputs: () => [u([3, 5], 71, -2, 2)], f: (x) => tf.erf(x) },
  { name: 'exp', inputs: () => [u([3, 5], 72)], f: (x) => tf.exp(x) },
  { name: 'log', inputs: () => [positiveValues([3, 5], 73)], f: (x) => tf.log(x) },
  { name: 'sqrt', inputs: () => [positiveValues([3, 5], 74)], f: (x) => tf.sqrt(x) },
  { name: 'square', inputs: () => [u([3, 5], 75)], f: (x) => tf.square(x) },
  { name: 'abs', inputs: () => [awayFromZero([3, 5], 76)], f: (x) => tf.abs(x) },
  { name: 'softmax', inputs: () => [u([4, 6], 77, -3, 3)], f: (x) => tf.softmax(x) },
  { name: 'logSoftmax', inputs: () => [u([4, 6], 78, -3, 3)], f: (x) => tf.logSoftmax(x) },
  { name: 'dropout (seeded)', inputs: () => [u([8, 8], 79)], f: (x) => tf.dropout(x, 0.3, undefined, 5) },
  // Shapes and indexing.
  {
    name: 'oneHot float32',
    inputs: () => [tf.tensor1d([0, 3, 1, 5, 2], 'int32')],
    f: (i) => tf.cast(tf.oneHot(i as tf.Tensor1D, 4, 1, 0, 'float32'), 'float32'),
    differentiable: false,
  },
  {
    name: 'oneHot on/off values',
    inputs: () => [tf.tensor1d([0, 3, 1], 'int32')],
    f: (i) => tf.oneHot(i, 4, 0.9, 0.1 / 3, 'float32'),
    differentiable: false,
  },
  { name: 'concat', inputs: () => [u([2, 3], 80), u([2, 4], 81)], f: (a, b) => tf.concat([a, b], 1) },
  { name: 'slice', inputs: () => [u([4, 5], 82)], f: (x) => tf.slice(x, [1, 1], [2, 3]) },
  {
    name: 'pad',
    inputs: () => [u([2, 3], 83)],
    f: (x) =>
      tf.pad(x, [
        [1, 0],
        [2, 1],
      ]),
  },
  {
    name: 'mirrorPad',
    inputs: () => [u([3, 4], 84)],
    f: (x) =>
      tf.mirrorPad(
        x,
        [
          [1, 1],
          [2, 1],
        ],
        'reflect',
      ),
  },
  {
    name: 'gather (embedding lookup)',
    inputs: () => [u([6, 3], 85), tf.tensor1d([0, 2, 2, 5, 1], 'int32')],
    f: (table, ids) => tf.gather(table, ids),
    gradInputs: [0],
  },
  {
    name: 'gather axis 1 batchDims 1',
    inputs: () => [
      u([2, 4, 3], 86),
      tf.tensor2d(
        [
          [0, 3],
          [2, 2],
        ],
        [2, 2],
        'int32',
      ),
    ],
    f: (x, ids) => tf.gather(x, ids, 1, 1),
    gradInputs: [0],
  },
  {
    name: 'gather rank 4, axis 1, batchDims 1 (image rows)',
    inputs: () => [
      u([2, 5, 6, 3], 102),
      tf.tensor2d(
        [
          [1, 2, 3],
          [2, 3, 4],
        ],
        [2, 3],
        'int32',
      ),
    ],
    f: (x, rows) => tf.gather(x, rows, 1, 1),
    gradInputs: [0],
  },
  {
    name: 'unsortedSegmentSum',
    inputs: () => [u([5, 3], 87), tf.tensor1d([0, 2, 0, 1, 2], 'int32')],
    f: (x, ids) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 3),
    gradInputs: [0],
  },
  { name: 'tile', inputs: () => [u([2, 3], 88)], f: (x) => tf.tile(x, [2, 3]) },
  { name: 'transpose', inputs: () => [u([2, 3, 4], 89)], f: (x) => tf.transpose(x, [2, 0, 1]) },
  // Reductions.
  { name: 'sum', inputs: () => [u([3, 4], 90)], f: (x) => tf.sum(x, 1) },
  { name: 'mean', inputs: () => [u([3, 4], 91)], f: (x) => tf.mean(x, 0) },
  { name: 'max', inputs: () => [distinctValues([3, 4], 92)], f: (x) => tf.max(x, 1), epsilon: 1e-3 },
  { name: 'min', inputs: () => [distinctValues([3, 4], 93)], f: (x) => tf.min(x, 0), epsilon: 1e-3 },
  { name: 'prod', inputs: () => [positiveValues([3, 4], 94)], f: (x) => tf.prod(x, 1) },
  { name: 'prod over two axes', inputs: () => [positiveValues([2, 3, 2], 95)], f: (x) => tf.prod(x, [0, 2]) },
  { name: 'logSumExp', inputs: () => [u([3, 4], 96)], f: (x) => tf.logSumExp(x, 1) },
  // Resizing, clipping, selection.
  {
    name: 'resizeBilinear',
    inputs: () => [u([2, 3, 4, 2], 97)],
    f: (x) => tf.image.resizeBilinear(as4(x), [5, 7]),
  },
  {
    name: 'resizeNearestNeighbor batch 2',
    inputs: () => [u([2, 3, 4, 2], 98)],
    f: (x) => tf.image.resizeNearestNeighbor(as4(x), [6, 7]),
  },
  {
    name: 'clipByValue',
    inputs: () => [distinctValues([4, 5], 99, 0.13)],
    f: (x) => tf.clipByValue(x, -0.5, 0.6),
    epsilon: 1e-3,
  },
  {
    name: 'where',
    inputs: () => [u([3, 4], 100), u([3, 4], 101)],
    f: (a, b) => tf.where(tf.greater(a, b), a, tf.mul(b, 2)),
    epsilon: 1e-3,
  },
];
