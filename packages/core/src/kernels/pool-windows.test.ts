/**
 * The SIMD functions `maxPoolWindows`, `maxPoolGradWindows` and `avgPoolGradWindows` (any windows:
 * strided, overlapping, padded; any channel count) against JavaScript references written as tfjs's cpu
 * backend pools (the average's gradient in float32 arithmetic), bit for bit, on a plain and a shared
 * memory: NaN, ±∞, −0 and ties, windows clipped by padding and windows wholly outside the image, channels
 * four at a time and one by one. Through tfjs: max-pool.test.ts and avg-pool-grad.test.ts.
 */
import { expectSameFloats, seededFloats } from '@gradwell/test-utils';
import { describe, expect, test } from 'vitest';
import { bareSimdKernels } from './simd/bare-kernels';
import type { SimdKernels } from './simd/simd-kernels';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 0.5, -0.5];

/** Seeded floats in [-1, 1); with `special`, every third one of SPECIAL (ties, NaN, ±∞, ±0). */
const values = (count: number, seed: number, special = false): Float32Array =>
  seededFloats(count, seed, special ? { special: SPECIAL } : {});

interface Pooling {
  shape: [number, number, number, number];
  window: [number, number];
  stride: [number, number];
  /** Rows and columns of nothing before the image. */
  pad: [number, number];
  out: [number, number];
}

/** Each window's in-image positions' flat indices (channel 0), per output pixel in order. */
function windows(p: Pooling): number[][] {
  const [batch, inH, inW, ch] = p.shape;
  const out: number[][] = [];
  for (let b = 0; b < batch; b++)
    for (let yr = 0; yr < p.out[0]; yr++)
      for (let yc = 0; yc < p.out[1]; yc++) {
        const [r0, c0] = [yr * p.stride[0] - p.pad[0], yc * p.stride[1] - p.pad[1]];
        const at: number[] = [];
        for (let r = Math.max(0, r0); r < Math.min(inH, r0 + p.window[0]); r++)
          for (let c = Math.max(0, c0); c < Math.min(inW, c0 + p.window[1]); c++)
            at.push(((b * inH + r) * inW + c) * ch);
        out.push(at);
      }
  return out;
}

/** AvgPoolGrad in float32 arithmetic: dy times 1 / (the window's in-image positions), added at each. */
function avgPoolGradReference(dy: Float32Array, p: Pooling): Float32Array {
  const ch = p.shape[3];
  const dx = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
  windows(p).forEach((at, k) => {
    const share = Math.fround(1 / at.length);
    for (const pixel of at)
      for (let d = 0; d < ch; d++)
        dx[pixel + d] = (dx[pixel + d] as number) + Math.fround((dy[k * ch + d] as number) * share);
  });
  return dx;
}

/**
 * For each output (image, row, column, channel) in order, the flat index of its window's maximum in x as
 * the cpu backend takes it (from −∞, strictly greater, row-major; −1: no value above −∞) and that value.
 */
function argmaxes(x: Float32Array, p: Pooling): { at: number[]; y: Float32Array } {
  const at: number[] = [];
  const y: number[] = [];
  for (const positions of windows(p))
    for (let d = 0; d < p.shape[3]; d++) {
      let [best, bestAt] = [-Infinity, -1];
      for (const pixel of positions)
        if ((x[pixel + d] as number) > best) [best, bestAt] = [x[pixel + d] as number, pixel + d];
      at.push(bestAt);
      y.push(best);
    }
  return { at, y: Float32Array.from(y) };
}

/** `maxPoolWindows`' arguments after its two pointers. */
type WindowArgs =
  Parameters<SimdKernels['maxPoolWindows']> extends [number, number, ...infer Rest] ? Rest : never;

const POOLINGS: Array<{ name: string } & Pooling> = [
  {
    name: '3×3 stride 2, padded 1 (a ResNet stem)',
    shape: [2, 9, 9, 8],
    window: [3, 3],
    stride: [2, 2],
    pad: [1, 1],
    out: [5, 5],
  },
  {
    name: '3×3 stride 2, unpadded (AlexNet)',
    shape: [2, 13, 13, 12],
    window: [3, 3],
    stride: [2, 2],
    pad: [0, 0],
    out: [6, 6],
  },
  {
    name: '2×2 stride 1, 6 channels',
    shape: [1, 5, 6, 6],
    window: [2, 2],
    stride: [1, 1],
    pad: [0, 0],
    out: [4, 5],
  },
  {
    name: '2×2 stride 2, 3 channels',
    shape: [3, 4, 6, 3],
    window: [2, 2],
    stride: [2, 2],
    pad: [0, 0],
    out: [2, 3],
  },
  {
    name: '3×2 stride 1×2, padded 1×0, 5 channels',
    shape: [2, 6, 7, 5],
    window: [3, 2],
    stride: [1, 2],
    pad: [1, 0],
    out: [6, 3],
  },
  {
    name: '2×2 stride 2, one channel, padded past the far edge',
    shape: [1, 5, 5, 1],
    window: [2, 2],
    stride: [2, 2],
    pad: [0, 0],
    out: [3, 3],
  },
  {
    name: 'windows wholly in the padding',
    shape: [1, 3, 3, 4],
    window: [2, 2],
    stride: [2, 2],
    pad: [3, 0],
    out: [3, 2],
  },
];

describe.each([false, true])('maxPoolWindows and maxPoolGradWindows (shared memory: %s)', (shared) => {
  const { kernels, heap } = bareSimdKernels(shared);
  const args = (p: Pooling) => [...p.shape, ...p.out, ...p.window, ...p.stride, ...p.pad] as WindowArgs;

  test.each(POOLINGS)('$name: maxima and gradients equal the reference', (p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const outSize = p.shape[0] * p.out[0] * p.out[1] * p.shape[3];
    for (const special of [false, true]) {
      const x = values(size, size + p.window[0] + p.pad[0], special);
      const { at, y } = argmaxes(x, p);
      const [xAt, yAt] = [16, 16 + size + 8]; // in floats
      heap().set(x, xAt);
      heap().fill(12_345, yAt, yAt + outSize + 4);
      kernels.maxPoolWindows(xAt * 4, yAt * 4, ...args(p));
      expectSameFloats(heap().subarray(yAt, yAt + outSize), y);
      expect(heap()[yAt + outSize]).toBe(12_345); // nothing written past the output

      // the gradient: each dy added where its window's maximum is, in output order
      const dy = values(outSize, 99 + size);
      const dx = new Float32Array(size);
      at.forEach((i, k) => {
        if (i >= 0) dx[i] = (dx[i] as number) + (dy[k] as number);
      });
      const [dyAt, dxAt] = [yAt + outSize + 8, yAt + outSize + 8 + outSize + 8];
      heap().set(dy, dyAt);
      heap().fill(Number.NaN, dxAt, dxAt + size); // the kernel zeroes dx itself
      heap().fill(12_345, dxAt + size, dxAt + size + 4);
      kernels.maxPoolGradWindows(xAt * 4, dyAt * 4, dxAt * 4, ...args(p));
      expectSameFloats(heap().subarray(dxAt, dxAt + size), dx);
      expect(heap()[dxAt + size]).toBe(12_345);
    }
  });

  test.each(POOLINGS)("$name: the average's gradient equals the reference", (p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const outSize = p.shape[0] * p.out[0] * p.out[1] * p.shape[3];
    for (const special of [false, true]) {
      const dy = values(outSize, outSize + p.window[1], special);
      const [dyAt, dxAt] = [16, 16 + outSize + 8]; // in floats
      heap().set(dy, dyAt);
      heap().fill(Number.NaN, dxAt, dxAt + size); // the kernel zeroes dx itself
      heap().fill(12_345, dxAt + size, dxAt + size + 4);
      kernels.avgPoolGradWindows(dyAt * 4, dxAt * 4, ...args(p));
      expectSameFloats(heap().subarray(dxAt, dxAt + size), avgPoolGradReference(dy, p));
      expect(heap()[dxAt + size]).toBe(12_345);
    }
  });

  test('a window of NaNs gives −∞ and passes no gradient; NaN in front is passed over; −0 before +0 stays −0', () => {
    // one image of 3 × 1 pixels, 6 channels (four at a time, then two one by one), windows of 2 × 1
    // overlapping at the middle pixel (stride 1): channel d's values down the column
    const columns = [
      [Number.NaN, Number.NaN, Number.NaN],
      [Number.NaN, 1, 2],
      [-0, 0, Number.NaN],
      [-Infinity, -Infinity, 5],
      [Number.NaN, Number.NaN, Number.NaN],
      [3, Number.NaN, 3],
    ];
    const x = new Float32Array(18);
    columns.forEach((column, d) => column.forEach((v, r) => (x[r * 6 + d] = v)));
    heap().set(x, 0);
    const p: Pooling = { shape: [1, 3, 1, 6], window: [2, 1], stride: [1, 1], pad: [0, 0], out: [2, 1] };
    kernels.maxPoolWindows(0, 64 * 4, ...args(p));
    const y = Array.from(heap().subarray(64, 76));
    expect(y.slice(0, 6)).toEqual([-Infinity, 1, -0, -Infinity, -Infinity, 3]);
    expect(Object.is(y[2], -0)).toBe(true);
    expect(y.slice(6)).toEqual([-Infinity, 2, 0, 5, -Infinity, 3]);
    heap().fill(1, 128, 140); // dy: ones
    heap().fill(-7, 192, 210);
    kernels.maxPoolGradWindows(0, 128 * 4, 192 * 4, ...args(p));
    const dx = Array.from(heap().subarray(192, 210));
    // per pixel (row), the six channels
    expect(dx.slice(0, 6)).toEqual([0, 0, 1, 0, 0, 1]);
    expect(dx.slice(6, 12)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(dx.slice(12, 18)).toEqual([0, 1, 0, 1, 0, 1]);
  });
});
