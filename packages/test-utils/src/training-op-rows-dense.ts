/** Training-op table rows: matrix products, normalisation, activations, shapes, reductions, resizing. */
import * as tf from '@tensorflow/tfjs-core';
import { biasRelu } from '@gradwell/core';
import { awayFromZero, distinctValues, positiveValues } from './inputs';
import { as2, as4, u, type TrainingOpRow } from './training-op-row';

export const DENSE_ROWS: readonly TrainingOpRow[] = [
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
  // Products with 8k columns: gradwell's SIMD product on a single-threaded backend.
  {
    name: 'matMul 8 columns, k in 3 chunks (SIMD product)',
    inputs: () => [u([5, 300], 139), u([300, 8], 140)],
    f: (a, b) => tf.matMul(as2(a), as2(b)),
  },
  {
    name: 'matMul transposeA, 16 columns, 6 rows (SIMD product)',
    inputs: () => [u([13, 6], 141), u([13, 16], 142)],
    f: (a, b) => tf.matMul(as2(a), as2(b), true, false),
  },
  {
    name: 'matMul transposeA transposeB, 8 columns (SIMD product)',
    inputs: () => [u([9, 5], 143), u([8, 9], 144)],
    f: (a, b) => tf.matMul(as2(a), as2(b), true, true),
  },
  {
    name: 'batch-1 matMul transposeB, 8 columns (SIMD product)',
    inputs: () => [u([1, 5, 9], 145), u([1, 8, 9], 146)],
    f: (a, b) => tf.matMul(a, b, false, true),
  },
  {
    name: 'matMul transposeB, B 24 × 22 (SIMD product)',
    inputs: () => [u([6, 22], 205), u([24, 22], 206)],
    f: (a, b) => tf.matMul(as2(a), as2(b), false, true),
  },
  // Transposes of the last two axes: gradwell's SIMD transpose on wasm (its gradient is one too).
  {
    name: 'transpose 13 × 18 (SIMD transpose)',
    inputs: () => [u([13, 18], 207)],
    f: (x) => tf.transpose(x),
  },
  {
    name: 'transpose of the last two axes, 2 × 9 × 6 (SIMD transpose)',
    inputs: () => [u([2, 9, 6], 208)],
    f: (x) => tf.transpose(x, [0, 2, 1]),
  },
  {
    name: 'fused matMul bias+leakyrelu, 8 columns (SIMD product)',
    inputs: () => [u([6, 5], 147), u([5, 8], 148), awayFromZero([8], 149)],
    f: (a, b, bias) =>
      tf.fused.matMul({ a: as2(a), b: as2(b), bias, activation: 'leakyrelu', leakyreluAlpha: 0.1 }),
    epsilon: 1e-3,
  },
  {
    name: 'fused matMul prelu, 8 columns (SIMD product)',
    inputs: () => [u([6, 5], 150), u([5, 8], 151), awayFromZero([8], 152)],
    f: (a, b, alpha) =>
      tf.fused.matMul({ a: as2(a), b: as2(b), activation: 'prelu', preluActivationWeights: alpha }),
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
  // gradwell's bias-and-ReLU pass (a layer's bias and ReLU under a tape); sums at least 0.04 from the kink
  {
    name: 'biasRelu (rows)',
    inputs: () => [distinctValues([6, 10], 191), distinctValues([10], 192, 0.002)],
    f: (x, bias) => biasRelu(x, bias),
  },
  {
    name: 'biasRelu (NHWC images)',
    inputs: () => [distinctValues([2, 3, 3, 4], 193), distinctValues([4], 194, 0.002)],
    f: (x, bias) => biasRelu(x, bias),
  },
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
  { name: 'sum over leading axes', inputs: () => [u([2, 3, 2, 21], 133)], f: (x) => tf.sum(x, [0, 1, 2]) },
  {
    name: 'mean over leading axes, keepDims',
    inputs: () => [u([4, 3, 6], 134)],
    f: (x) => tf.mean(x, [1, 0], true),
  },
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
