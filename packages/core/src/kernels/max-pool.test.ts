/**
 * `MaxPool` on wasm (max-pool.ts) and the maximum `MaxPoolGrad` routes to (max-pool-grad.ts): the SIMD
 * function `maxPoolDisjoint` equals a JavaScript reference bit for bit on a plain and a shared memory (NaN,
 * ±∞, −0, ties, uncovered edges; `maxPoolWindows`: pool-windows.test.ts); through tfjs the kernels
 * equal the cpu backend, forward and backward, for disjoint, overlapping and padded windows and any channel
 * count; forward and gradient agree on the maximum in windows with NaN and −∞; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectSameFloats, seededFloats } from '@gradwell/test-utils';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { setupBackend } from '../index';
import { bareSimdKernels } from './simd/bare-kernels';
import { setSimdKernels } from './simd/simd-kernels';
import { poolIsDisjoint } from './max-pool';
import { poolInfo } from './pool-info';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 0.5, -0.5];

/** Seeded floats in [-1, 1); with `special`, every third one of SPECIAL (ties, NaN, ±∞, ±0). */
const values = (count: number, seed: number, special = false): Float32Array =>
  seededFloats(count, seed, special ? { special: SPECIAL } : {});

/** MaxPool of disjoint windows in JavaScript, as tfjs's cpu backend takes it: from −∞, strictly greater. */
function maxPoolReference(x: Float32Array, shape: number[], fh: number, fw: number) {
  const [batch, inH, inW, ch] = shape as [number, number, number, number];
  const [outH, outW] = [Math.floor(inH / fh), Math.floor(inW / fw)];
  const y = new Float32Array(batch * outH * outW * ch);
  let k = 0;
  for (let b = 0; b < batch; b++)
    for (let yr = 0; yr < outH; yr++)
      for (let yc = 0; yc < outW; yc++)
        for (let d = 0; d < ch; d++, k++) {
          let best = -Infinity;
          for (let r = 0; r < fh; r++)
            for (let c = 0; c < fw; c++) {
              const v = x[((b * inH + yr * fh + r) * inW + yc * fw + c) * ch + d] as number;
              if (v > best) best = v;
            }
          y[k] = best;
        }
  return { y, outH, outW };
}

describe.each([false, true])('maxPoolDisjoint (shared memory: %s)', (shared) => {
  const { kernels, heap } = bareSimdKernels(shared);

  test.each([
    { shape: [2, 4, 6, 4], fh: 2, fw: 2 },
    { shape: [1, 7, 5, 8], fh: 2, fw: 2 }, // an uncovered row and column
    { shape: [3, 6, 6, 12], fh: 3, fw: 2 },
    { shape: [2, 6, 9, 4], fh: 2, fw: 3 },
    { shape: [1, 3, 3, 4], fh: 1, fw: 1 },
    { shape: [2, 9, 9, 16], fh: 3, fw: 3 },
  ])(
    'equals the reference: $shape in $fh×$fw windows, with and without NaN, ±∞, ±0 and ties',
    ({ shape, fh, fw }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      for (const special of [false, true]) {
        const x = values(size, size + fh, special);
        const { y } = maxPoolReference(x, shape, fh, fw);
        const [xAt, yAt] = [16, 16 + size + 8]; // in floats
        heap().set(x, xAt);
        heap().fill(12_345, yAt, yAt + y.length + 4);
        const [outH, outW] = [Math.floor((shape[1] as number) / fh), Math.floor((shape[2] as number) / fw)];
        kernels.maxPoolDisjoint(
          xAt * 4,
          yAt * 4,
          ...(shape as [number, number, number, number]),
          outH,
          outW,
          fh,
          fw,
        );
        expectSameFloats(heap().subarray(yAt, yAt + y.length), y);
        expect(heap()[yAt + y.length]).toBe(12_345); // nothing written past the output
      }
    },
  );

  test('a window of NaNs gives −∞, a NaN in front of larger values is passed over, −0 before +0 stays −0', () => {
    // one image of 2 × 2 pixels, 4 channels: each channel is one window
    const window = [
      [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
      [Number.NaN, 1, 2, -3],
      [-0, 0, Number.NaN, 0],
      [-Infinity, -Infinity, -Infinity, -Infinity],
    ];
    const x = new Float32Array(16);
    window.forEach((w, d) => w.forEach((v, p) => (x[p * 4 + d] = v)));
    heap().set(x, 0);
    kernels.maxPoolDisjoint(0, 64 * 4, 1, 2, 2, 4, 1, 1, 2, 2);
    const y = Array.from(heap().subarray(64, 68));
    expect(y[0]).toBe(-Infinity);
    expect(y[1]).toBe(2);
    expect(Object.is(y[2], -0)).toBe(true);
    expect(y[3]).toBe(-Infinity);
  });
});

describe('MaxPool through tfjs on wasm', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });
  afterEach(async () => {
    setSimdKernels(true);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  /** f's values on wasm (gradwell's kernels on and off) and on cpu. */
  async function everywhere(f: () => tf.Tensor) {
    const on = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(false);
    const off = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(true);
    await setupBackend({ backend: 'cpu' });
    const cpu = tf.tidy(() => f().dataSync().slice());
    await setupBackend({ backend: 'wasm', threads: 1 });
    return { on, off, cpu };
  }

  test.each([
    { shape: [4, 26, 26, 32], size: 2, stride: 2, pad: 'valid' as const, disjoint: true },
    { shape: [3, 11, 11, 64], size: 2, stride: 2, pad: 'valid' as const, disjoint: true }, // uncovered edge
    { shape: [2, 12, 12, 8], size: 3, stride: 3, pad: 'same' as const, disjoint: true }, // 'same' pads nothing
    { shape: [2, 11, 11, 8], size: 2, stride: 2, pad: 'same' as const, disjoint: false }, // padded
    { shape: [2, 9, 9, 8], size: 3, stride: 1, pad: 'valid' as const, disjoint: false }, // overlapping
    { shape: [2, 8, 8, 6], size: 2, stride: 2, pad: 'valid' as const, disjoint: false }, // 6 channels
    { shape: [2, 15, 15, 64], size: 3, stride: 2, pad: 'same' as const, disjoint: false }, // a ResNet stem
    { shape: [2, 13, 13, 12], size: 3, stride: 2, pad: 'valid' as const, disjoint: false }, // AlexNet
    { shape: [2, 7, 9, 3], size: 2, stride: 2, pad: 'same' as const, disjoint: false }, // 3 channels, padded
  ])(
    "maxPool of $shape, window $size, stride $stride, $pad: the cpu backend's values and gradients (disjoint kernel: $disjoint)",
    async ({ shape, size, stride, pad, disjoint }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const x = () => tf.tensor4d(values(count, 7, true), shape as [number, number, number, number]);
      const r = await everywhere(() => tf.maxPool(x(), size, stride, pad));
      expectSameFloats(r.on, r.cpu);
      const plain = await everywhere(() =>
        tf.maxPool(
          tf.tensor4d(values(count, 7), shape as [number, number, number, number]),
          size,
          stride,
          pad,
        ),
      );
      expectSameFloats(plain.off, plain.cpu); // XNNPACK's, where no NaN is in the way
      const dx = await everywhere(() =>
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, pad), 3)))(x()),
      );
      expectSameFloats(dx.on, dx.cpu);
      expectSameFloats(dx.off, dx.cpu); // the JavaScript loops
      const info = poolInfo(
        { shape, dtype: 'float32', dataId: {} },
        { filterSize: size, strides: stride, pad },
      );
      expect(poolIsDisjoint(info)).toBe(disjoint);
    },
  );

  test("gradwell's kernel passes over a NaN in front of a window, where XNNPACK gives −∞; its gradient goes to the maximum", async () => {
    // windows of 2 × 2 over 4 channels: NaN first, then 1, 2, 3 (channel 0 of each pixel; the rest 0.5)
    const x = () =>
      tf.tensor4d(
        [Number.NaN, 1, 2, 3].flatMap((v) => [v, 0.5, 0.5, 0.5]),
        [1, 2, 2, 4],
      );
    const y = await everywhere(() => tf.maxPool(x(), 2, 2, 'valid'));
    expect(Array.from(y.on)).toEqual([3, 0.5, 0.5, 0.5]);
    expect(Array.from(y.cpu)).toEqual([3, 0.5, 0.5, 0.5]);
    expect(y.off[0]).toBe(-Infinity); // stock XNNPACK
    const dx = await everywhere(() =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x()),
    );
    expectSameFloats(dx.on, dx.cpu);
    expect(dx.on[12]).toBe(1); // the 3 in channel 0
  });

  test('a window of NaNs or of −∞ passes no gradient on, as on the cpu backend', async () => {
    const x = () =>
      tf.tensor4d(
        [
          [Number.NaN, 0.5, -Infinity, 1],
          [Number.NaN, 0.5, -Infinity, 2],
          [Number.NaN, 0.5, -Infinity, 3],
          [Number.NaN, 0.5, -Infinity, 4],
        ].flat(),
        [1, 2, 2, 4],
      );
    const dx = await everywhere(() =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x()),
    );
    expectSameFloats(dx.on, dx.cpu);
    expect(Array.from(dx.on)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  test("int32 input goes to tfjs's kernel (which takes float32 alone); nothing leaks, forward or backward", () => {
    const before = tf.memory().numTensors;
    expect(() =>
      tf.tidy(() => tf.maxPool(tf.tensor4d([1, 5, 3, 2], [1, 2, 2, 1], 'int32'), 2, 2, 'valid')),
    ).toThrow(/only float32/);
    const x = tf.ones<tf.Rank.R4>([8, 26, 26, 32]);
    tf.maxPool(x, 2, 2, 'valid').dispose();
    tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x).dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
