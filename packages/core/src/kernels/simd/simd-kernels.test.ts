/**
 * gradwell's SIMD kernels: the committed binary is what the build script makes of `kernels.wat`; each
 * function, on a plain and on a shared memory, equals a JavaScript reference bit for bit; and through
 * tfjs, on the wasm backend, the kernels that use them equal their JavaScript loops and the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bareSimdKernels } from './bare-kernels';
import { readFileSync } from 'node:fs';
import { expectTensorsClose } from '@gradwell/test-utils';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '../../index';
import { prefersDirect } from '../fast-mat-mul';
import { convTakesDirect } from '../direct-conv2d';
import { pixelPadding } from '../conv2d-backprop-filter';
import { directMatMulFits } from './direct-mat-mul';
import { swapsLastTwo } from '../transpose';
import { generateSimdModule, withPanelSweep } from '../../../scripts/build-simd.mjs';
import { execFileSync } from 'node:child_process';
import { SIMD_KERNELS_PLAIN, SIMD_KERNELS_PLAIN_RELAXED } from './simd-binary.generated';
import { setSimdKernels, simdKernelsAvailable, simdKernelsFlavour, simdKernelsFor } from './simd-kernels';

const FLOAT_BYTES = 4;

/** A seeded stream of floats in [-1, 1), with ties and NaNs where asked. */
function values(count: number, seed: number, { ties = false, nans = false } = {}): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32;
    out[i] = ties ? Math.floor(u * 4) / 4 - 0.5 : u * 2 - 1;
    if (nans && state % 17 === 0) out[i] = Number.NaN;
  }
  return out;
}

const instantiate = bareSimdKernels;

/**
 * Lays A [m, k] out at float `aAt` for productAtB, and its rows' byte offsets at float `offAt`: packed,
 * panel p holds rows 4p … 4p + 3 as [k][4] (the panel sweep); else A is row-major (the general sweep),
 * the last tile's missing rows at the last row's offset. Returns A's step between two k, in bytes.
 */
function placeLeftOperand(
  heap: Float32Array,
  a: Float32Array,
  m: number,
  k: number,
  packed: boolean,
  aAt: number,
  offAt: number,
): number {
  const rows = Math.ceil(m / 4) * 4;
  heap.fill(0, aAt, aAt + rows * k);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++)
      heap[packed ? aAt + (i >> 2) * 4 * k + p * 4 + (i & 3) : aAt + i * k + p] = a[i * k + p] as number;
  const offsets = Array.from({ length: rows }, (_, i) =>
    packed ? ((i >> 2) * 4 * k + (i & 3)) * FLOAT_BYTES : Math.min(i, m - 1) * k * FLOAT_BYTES,
  );
  new Int32Array(heap.buffer).set(offsets, offAt);
  return packed ? 16 : 4;
}

/**
 * MaxPoolGrad of disjoint windows in JavaScript: dy to the first strict maximum in scan order, from −∞
 * (nowhere where no value is above −∞).
 */
function maxPoolGradReference(x: Float32Array, dy: Float32Array, shape: number[], fh: number, fw: number) {
  const [batch, inH, inW, ch] = shape as [number, number, number, number];
  const outH = Math.floor(inH / fh);
  const outW = Math.floor(inW / fw);
  const dx = new Float32Array(x.length);
  let k = 0;
  for (let b = 0; b < batch; b++)
    for (let yr = 0; yr < outH; yr++)
      for (let yc = 0; yc < outW; yc++)
        for (let d = 0; d < ch; d++, k++) {
          let bestAt = -1;
          for (let r = 0; r < fh; r++)
            for (let c = 0; c < fw; c++) {
              const at = ((b * inH + yr * fh + r) * inW + yc * fw + c) * ch + d;
              if ((x[at] as number) > (bestAt < 0 ? -Infinity : (x[bestAt] as number))) bestAt = at;
            }
          if (bestAt >= 0) dx[bestAt] = dy[k] as number;
        }
  return { dx, outH, outW };
}

describe.each([false, true])('the SIMD module (shared memory: %s)', (shared) => {
  test.each([
    { shape: [2, 4, 6, 4], fh: 2, fw: 2, ties: false, nans: false },
    { shape: [1, 7, 5, 8], fh: 2, fw: 2, ties: true, nans: false }, // an uncovered row and column
    { shape: [3, 6, 6, 12], fh: 3, fw: 2, ties: true, nans: true },
    { shape: [2, 9, 8, 8], fh: 2, fw: 2, ties: true, nans: true }, // 2 × 2's own loop, an uncovered row
  ])('maxPoolGradDisjoint equals the reference: $shape, $fh×$fw', ({ shape, fh, fw, ties, nans }) => {
    const { kernels, heap } = instantiate(shared);
    const size = shape.reduce((a, b) => a * b, 1);
    const x = values(size, 7, { ties, nans });
    const reference = maxPoolGradReference(x, values(size, 8), shape, fh, fw);
    const dySize = (shape[0] as number) * reference.outH * reference.outW * (shape[3] as number);
    const dy = values(size, 8).subarray(0, dySize);
    const expected = maxPoolGradReference(x, dy, shape, fh, fw).dx;
    const [xAt, dyAt, dxAt] = [0, size, 2 * size];
    heap().set(x, xAt);
    heap().set(dy, dyAt);
    heap().fill(0, dxAt, dxAt + size);
    kernels.maxPoolGradDisjoint(
      xAt * FLOAT_BYTES,
      dyAt * FLOAT_BYTES,
      dxAt * FLOAT_BYTES,
      ...(shape as [number, number, number, number]),
      reference.outH,
      reference.outW,
      fh,
      fw,
    );
    expect(Array.from(heap().subarray(dxAt, dxAt + size))).toEqual(Array.from(expected));
  });

  test.each([
    [5, 1],
    [3, 4],
    [7, 16],
    [9, 37],
    [130, 64],
  ])('columnSums equals sequential float32 sums: %i × %i', (rows, cols) => {
    const { kernels, heap } = instantiate(shared);
    const x = values(rows * cols, rows + cols);
    heap().set(x, 256);
    for (const divisor of [1, rows]) {
      kernels.columnSums(256 * FLOAT_BYTES, 0, rows, cols, divisor);
      const expected = Array.from({ length: cols }, (_, j) => {
        let s = 0;
        for (let r = 0; r < rows; r++) s = Math.fround(s + (x[r * cols + j] as number));
        return Math.fround(s / divisor);
      });
      expect(Array.from(heap().subarray(0, cols))).toEqual(expected);
    }
  });

  test.each([0, 1, 3, 4, 5, 67])(
    'binaryOp over %i values: add, subtract, multiply, divide, either operand a scalar or none',
    (count) => {
      const { kernels, heap } = instantiate(shared);
      const [a, b, out] = [64, 64 + count + 4, 64 + 2 * (count + 4)]; // in floats
      const ops = [
        (x: number, y: number) => x + y,
        (x: number, y: number) => x - y,
        (x: number, y: number) => x * y,
        (x: number, y: number) => x / y,
      ];
      for (const [op, f] of ops.entries())
        for (const [aScalar, bScalar] of [
          [0, 0],
          [1, 0],
          [0, 1],
        ] as const) {
          const xa = values(count, 3 + op, { nans: true });
          const xb = values(count, 5 + op);
          xb[0] = 0; // ±∞ and NaN from a division by zero
          heap().set(xa, a);
          heap().set(xb, b);
          heap().fill(7, out, out + count + 4);
          kernels.binaryOp(a * 4, b * 4, out * 4, count, op, aScalar, bScalar);
          const expected = Array.from({ length: count }, (_, i) =>
            Math.fround(f(xa[aScalar ? 0 : i] as number, xb[bScalar ? 0 : i] as number)),
          );
          expect(Array.from(heap().subarray(out, out + count))).toEqual(expected);
          expect(heap()[out + count]).toBe(7); // nothing past the end
        }
    },
  );

  test.each([
    // images, in h × w, channels, out h × w, filter h × w, strides, dilations, pad top/left, padding
    [2, 5, 5, 8, 3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0],
    [1, 7, 6, 6, 4, 3, 3, 2, 2, 2, 1, 1, 1, 0, 2], // strides 2, padding, channels not a multiple of 4
    [2, 6, 6, 3, 3, 3, 2, 2, 2, 2, 1, 1, 0, 0, 0],
    [1, 8, 7, 4, 4, 3, 3, 3, 1, 2, 2, 2, 2, 1, 0], // dilations 2, taps off every edge
    [2, 6, 5, 1, 4, 3, 3, 3, 1, 1, 1, 1, 0, 0, 7], // one channel: 9 taps in 16 columns a pixel
    [1, 7, 7, 3, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 5], // three channels: 27 taps in 32 columns
    [1, 9, 8, 1, 5, 4, 3, 3, 1, 2, 2, 1, 1, 1, 7], // rows dilated, runs clipped at both edges
    [2, 7, 9, 3, 4, 4, 2, 3, 2, 2, 1, 2, 0, 1, 2], // columns dilated: a tap at a time, off both edges
  ])(
    'col2im of %i images %i×%i×%i from %i×%i pixels of %i×%i taps (+%i floats a pixel) equals the scatter in JavaScript',
    (images, ih, iw, ch, oh, ow, kh, kw, sh, sw, dh, dw, top, left, padding) => {
      const { kernels, heap } = instantiate(shared);
      const pixelFloats = kh * kw * ch + padding;
      const cols = values(images * oh * ow * pixelFloats, ih + ch, { nans: false });
      // the padding of each pixel's columns is never read: NaN there would reach dx
      for (let p = 0; p < images * oh * ow; p++)
        cols.fill(Number.NaN, (p + 1) * pixelFloats - padding, (p + 1) * pixelFloats);
      const dxAt = 64 + cols.length + 4; // in floats
      heap().set(cols, 64);
      heap().fill(Number.NaN, dxAt, dxAt + images * ih * iw * ch + 4); // zeroed by the kernel
      // prettier-ignore
      kernels.col2im(
        64 * 4, dxAt * 4, images, ih, iw, ch, oh, ow, kh, kw, sh, sw, dh, dw, top, left, pixelFloats * 4,
      );
      const expected = new Float32Array(images * ih * iw * ch);
      let at = 0;
      for (let n = 0; n < images; n++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++, at += padding)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++, at += ch) {
                const [y, x] = [oy * sh + ky * dh - top, ox * sw + kx * dw - left];
                if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
                for (let c = 0; c < ch; c++) {
                  const i = ((n * ih + y) * iw + x) * ch + c;
                  expected[i] = (expected[i] as number) + (cols[at + c] as number);
                }
              }
      expect(Array.from(heap().subarray(dxAt, dxAt + expected.length))).toEqual(Array.from(expected));
      expect(Number.isNaN(heap()[dxAt + expected.length] as number)).toBe(true); // nothing past the end
    },
  );
});

describe.each([false, true])('columnsToImages (shared memory: %s)', (shared) => {
  test.each([
    // images, group, in h × w × channels, out h × w, filter h × w, strides, dilations, pad top/left, k
    [5, 2, 9, 9, 8, 7, 7, 3, 3, 1, 1, 1, 1, 0, 0, 12], // a last group of one image
    [3, 3, 7, 6, 2, 4, 3, 2, 2, 2, 2, 1, 1, 1, 0, 5], // strides 2, padding, 12 pixels an image
    [4, 1, 8, 7, 8, 6, 5, 3, 3, 1, 1, 2, 2, 2, 1, 260], // dilations 2, k in 4 chunks of 65
    [5, 2, 9, 8, 3, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 16], // RGB: 27 taps in 32 columns a pixel
    [3, 2, 7, 7, 1, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 32], // grey: 9 taps in 16 columns
  ])(
    '%i images in groups of %i (%i×%i×%i) equal the product of all images, then col2im of all, bit for bit',
    (images, group, ih, iw, ci, oh, ow, kh, kw, sh, sw, dh, dw, top, left, k) => {
      const { kernels, heap } = instantiate(shared);
      const [pixels, filterTaps] = [oh * ow, kh * kw * ci];
      const taps = Math.ceil(filterTaps / 8) * 8; // Wᵀ's columns: the taps and zero columns
      const chunk = k > 128 ? 65 : k;
      const geometry = [ih, iw, ci, oh, ow, kh, kw, sh, sw, dh, dw, top, left] as const;
      const offsets = (rows: number) =>
        Array.from({ length: Math.ceil(rows / 4) * 4 }, (_, i) => (i < rows ? i * k * FLOAT_BYTES : 0));
      const [dy, w] = [values(images * pixels * k, 31), values(k * taps, 32)];
      // Wᵀ's padding columns: zeros where Conv2DBackpropInput makes Wᵀ, NaN here (never scattered)
      for (let row = 0; row < k; row++) w.fill(Number.NaN, row * taps + filterTaps, (row + 1) * taps);
      const dxSize = images * ih * iw * ci;
      // floats: dy, Wᵀ, all columns, the reference dx, a group's columns, dx, then the int32 offsets
      const dyAt = 64;
      const wAt = dyAt + dy.length;
      const allColsAt = wAt + w.length;
      const refAt = allColsAt + images * pixels * taps;
      const groupColsAt = refAt + dxSize + 4;
      const dxAt = groupColsAt + group * pixels * taps + 4;
      const allOffAt = dxAt + dxSize + 4;
      const offAt = allOffAt + Math.ceil((images * pixels) / 4) * 4;
      heap().set(dy, dyAt);
      heap().set(w, wAt);
      const ints = new Int32Array(heap().buffer);
      ints.set(offsets(images * pixels), allOffAt);
      kernels.productAtB(
        dyAt * 4,
        wAt * 4,
        allColsAt * 4,
        allOffAt * 4,
        images * pixels,
        taps,
        k / chunk,
        1,
        chunk,
        chunk * 4,
        0,
        4,
      );
      kernels.col2im(allColsAt * 4, refAt * 4, images, ...geometry, taps * 4);
      const groupOffsets = offsets(group * pixels);
      ints.set([...groupOffsets, k / chunk, chunk, ...geometry], offAt);
      heap().fill(Number.NaN, groupColsAt, dxAt + dxSize + 4); // sentinels past the group's room and dx
      kernels.columnsToImages(
        dyAt * 4,
        wAt * 4,
        groupColsAt * 4,
        offAt * 4,
        dxAt * 4,
        images,
        group,
        (offAt + groupOffsets.length) * 4,
        taps,
        pixels * k * 4,
        pixels * taps * 4,
        ih * iw * ci * 4,
      );
      const dx = heap().slice(dxAt, dxAt + dxSize);
      expect(Buffer.from(dx.buffer).equals(Buffer.from(heap().slice(refAt, refAt + dxSize).buffer))).toBe(
        true,
      );
      expect(dx.some((v) => v !== 0)).toBe(true);
      expect(dx.every(Number.isFinite)).toBe(true); // no padding column scattered
      const roomEnd = groupColsAt + group * pixels * taps;
      expect(Number.isNaN(heap()[roomEnd] as number)).toBe(true); // nothing past a group's columns
      expect(Number.isNaN(heap()[dxAt + dxSize] as number)).toBe(true); // nor past dx
    },
  );
});

describe.each([false, true])('copyRows (shared memory: %s)', (shared) => {
  test.each([
    // rows, floats kept a row, floats a source row
    [50, 6, 8],
    [7, 1, 8],
    [9, 3, 8],
    [4, 13, 16], // three vectors and one value a row
    [3, 8, 8], // a plain copy
  ])('%i rows: the first %i of %i floats each, in order, nothing past the end', (rows, kept, wide) => {
    const { kernels, heap } = instantiate(shared);
    const src = values(rows * wide, kept + wide);
    const dstAt = 64 + src.length + 4; // in floats
    heap().set(src, 64);
    heap().fill(Number.NaN, dstAt, dstAt + rows * kept + 4);
    kernels.copyRows(64 * 4, dstAt * 4, rows, kept * 4, wide * 4);
    const expected = Array.from(
      { length: rows * kept },
      (_, i) => src[Math.floor(i / kept) * wide + (i % kept)],
    );
    expect(Array.from(heap().subarray(dstAt, dstAt + rows * kept))).toEqual(expected);
    expect(Number.isNaN(heap()[dstAt + rows * kept] as number)).toBe(true);
  });
});

describe.each([false, true])('transpose (shared memory: %s)', (shared) => {
  test.each([
    [1, 1],
    [3, 5], // no whole 4 × 4 block
    [4, 4],
    [5, 16], // a row past the blocks
    [16, 6], // two columns past them
    [17, 33], // both, and a strip of 16 columns cut short
    [64, 20],
    [130, 7],
  ])('moves every value of a %i × %i matrix to its mirror place, NaN and -0 included', (rows, cols) => {
    const { kernels, heap } = instantiate(shared);
    const x = values(rows * cols, rows * 100 + cols);
    x[x.length - 1] = Number.NaN;
    x[0] = -0;
    const [xAt, outAt] = [64, 64 + rows * cols + 7]; // the output not 16-byte aligned
    heap().set(x, xAt);
    heap().fill(7, outAt, outAt + rows * cols + 4);
    kernels.transpose(xAt * FLOAT_BYTES, outAt * FLOAT_BYTES, rows, cols);
    const expected = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) expected[j * rows + i] = x[i * cols + j] as number;
    expect(Array.from(heap().subarray(outAt, outAt + rows * cols))).toEqual(Array.from(expected));
    expect(Object.is(heap()[outAt], -0)).toBe(true);
    expect(Array.from(heap().subarray(outAt + rows * cols, outAt + rows * cols + 4))).toEqual([7, 7, 7, 7]);
  });
});

describe.each([false, true])('packColumns (shared memory: %s)', (shared) => {
  test.each([
    [5, 8],
    [3, 9], // one column past the whole panels
    [7, 10], // two
    [2, 11], // three
    [1, 1], // one value: a panel of it and three zeros
    [300, 37], // the matMul test's A of [k, m] = [300, 37]
  ])('packs xᵀ of a %i × %i x in panels of four of its columns, as transposing twice does', (rows, cols) => {
    const { kernels, heap } = instantiate(shared);
    const x = values(rows * cols, rows * 10 + cols);
    x[0] = -0;
    if (x.length > 1) x[x.length - 1] = Number.NaN;
    const size = Math.ceil(cols / 4) * 4 * rows;
    const [xAt, outAt] = [64, 64 + rows * cols + 3]; // the output not 16-byte aligned
    heap().set(x, xAt);
    heap().fill(7, outAt, outAt + size + 4);
    kernels.packColumns(xAt * FLOAT_BYTES, outAt * FLOAT_BYTES, rows, cols);
    // panel p, row r, lane j: x[r, 4p + j], zero past the last column
    const expected = new Float32Array(size);
    for (let p = 0; p < Math.ceil(cols / 4); p++)
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < 4; j++)
          expected[(p * rows + r) * 4 + j] = 4 * p + j < cols ? (x[r * cols + 4 * p + j] as number) : 0;
    expect(Array.from(heap().subarray(outAt, outAt + size))).toEqual(Array.from(expected));
    expect(Object.is(heap()[outAt], -0)).toBe(true);
    expect(Array.from(heap().subarray(outAt + size, outAt + size + 4))).toEqual([7, 7, 7, 7]);
  });
});

describe.each([false, true])('productAtB (shared memory: %s)', (shared) => {
  test.each([
    { x: [2, 6, 5, 3], k: [3, 2], stride: [1, 1], co: 8 }, // 18 taps: a partial last tile
    { x: [1, 7, 7, 4], k: [3, 3], stride: [2, 2], co: 16 },
    { x: [3, 5, 4, 1], k: [2, 2], stride: [1, 2], co: 8 },
  ])('equals the sum over pixels in float64: x $x, kernel $k, stride $stride, $co outputs', (c) => {
    const { kernels, heap } = instantiate(shared);
    const [batch, height, width, ci] = c.x as [number, number, number, number];
    const [kh, kw] = c.k as [number, number];
    const [sh, sw] = c.stride as [number, number];
    const outH = Math.floor((height - kh) / sh) + 1;
    const outW = Math.floor((width - kw) / sw) + 1;
    const taps = kh * kw * ci;
    const x = values(batch * height * width * ci, 11);
    const dy = values(batch * outH * outW * c.co, 12);
    const offsets = new Int32Array(Math.ceil(taps / 4) * 4);
    for (let i = 0, m = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let d = 0; d < ci; d++, m++) offsets[m] = ((i * width + j) * ci + d) * 4;
    const [xAt, dyAt, offAt, dwAt] = [
      0,
      x.length,
      x.length + dy.length,
      x.length + dy.length + offsets.length,
    ];
    heap().set(x, xAt);
    heap().set(dy, dyAt);
    new Int32Array(heap().buffer).set(offsets, offAt);
    heap().fill(Number.NaN, dwAt, dwAt + taps * c.co + 64); // rows past `taps` must stay untouched
    kernels.productAtB(
      xAt * 4,
      dyAt * 4,
      dwAt * 4,
      offAt * 4,
      taps,
      c.co,
      batch,
      outH,
      outW,
      height * width * ci * 4,
      sh * width * ci * 4,
      sw * ci * 4,
    );
    const got = heap().subarray(dwAt, dwAt + taps * c.co);
    for (let i = 0, m = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let d = 0; d < ci; d++, m++)
          for (let o = 0; o < c.co; o++) {
            let expected = 0;
            for (let n = 0; n < batch; n++)
              for (let y = 0; y < outH; y++)
                for (let xc = 0; xc < outW; xc++)
                  expected +=
                    (x[((n * height + y * sh + i) * width + xc * sw + j) * ci + d] as number) *
                    (dy[((n * outH + y) * outW + xc) * c.co + o] as number);
            expect(got[m * c.co + o]).toBeCloseTo(expected, 4);
          }
    expect(Number.isNaN(heap()[dwAt + taps * c.co] as number)).toBe(true);
  });

  test.each([false, true])(
    'over 1024 columns the tiles go in blocks of 64 columns: the same bits as two products of fewer (A packed: %s)',
    (packed) => {
      const { kernels, heap } = instantiate(shared);
      // A [9, 50] · B [50, 1096]: 17 blocks of 64 columns and one of 8; the rows a partial last tile
      const [m, k, n, left] = [9, 50, 1096, 544];
      const a = values(m * k, 51);
      const b = values(k * n, 52);
      const [offAt, aAt] = [0, 64];
      const bAt = aAt + 12 * k;
      const [wholeAt, leftB, rightB] = [bAt + k * n, bAt + k * n + m * n, bAt + 2 * k * n + m * n];
      const [leftOut, rightOut] = [rightB + k * n, rightB + k * n + m * n];
      const colStep = placeLeftOperand(heap(), a, m, k, packed, aAt, offAt); // its 12 rows end at bAt
      heap().set(b, bAt);
      // B's first `left` columns and the rest, each a matrix of its own
      for (let p = 0; p < k; p++) {
        heap().set(b.subarray(p * n, p * n + left), leftB + p * left);
        heap().set(b.subarray(p * n + left, (p + 1) * n), rightB + p * (n - left));
      }
      const run = (bFrom: number, out: number, columns: number) =>
        kernels.productAtB(aAt * 4, bFrom * 4, out * 4, offAt * 4, m, columns, 1, 1, k, 0, 0, colStep);
      run(bAt, wholeAt, n);
      run(leftB, leftOut, left);
      run(rightB, rightOut, n - left);
      for (let i = 0; i < m; i++) {
        const row = Array.from(heap().subarray(wholeAt + i * n, wholeAt + (i + 1) * n));
        expect(row.slice(0, left)).toEqual(
          Array.from(heap().subarray(leftOut + i * left, leftOut + (i + 1) * left)),
        );
        const rest = heap().subarray(rightOut + i * (n - left), rightOut + (i + 1) * (n - left));
        expect(row.slice(left)).toEqual(Array.from(rest));
        for (const j of [0, 63, 64, 1023, 1024, n - 1]) {
          let expected = 0;
          for (let p = 0; p < k; p++) expected += (a[i * k + p] as number) * (b[p * n + j] as number);
          expect(Math.abs((row[j] as number) - expected)).toBeLessThan(1e-3);
        }
      }
    },
  );

  test.each([
    { packed: false, outH: 2, outW: 300 }, // each row in pieces of 128 k: 128, 128, 44
    { packed: true, outH: 2, outW: 300 },
    { packed: false, outH: 9, outW: 50 }, // whole rows, two a segment (100 k), the last one alone
  ])(
    'k past 512 KB of B runs in segments: the bits of k a chunk at a time (A packed: $packed, $outH × $outW k)',
    ({ packed, outH, outW }) => {
      const { kernels, heap } = instantiate(shared);
      // A [6, k] · B [k, 1024]: 4 KB of B a k, so segments of 128 k; six rows, a partial second tile
      const [m, n] = [6, 1024];
      const k = outH * outW;
      const a = values(m * k, 61);
      const b = values(k * n, 62);
      const [offAt, aAt] = [0, 64];
      const bAt = aAt + 8 * k;
      const [segmentedAt, steppedAt] = [bAt + k * n, bAt + k * n + 8 * n];
      const colStep = placeLeftOperand(heap(), a, m, k, packed, aAt, offAt); // its 8 rows end at bAt
      heap().set(b, bAt);
      heap().fill(Number.NaN, segmentedAt, steppedAt + 8 * n); // rows past m must stay untouched
      // one chunk of outH rows × outW columns (segmented), and k chunks of one k each (never segmented)
      // prettier-ignore
      kernels.productAtB(aAt * 4, bAt * 4, segmentedAt * 4, offAt * 4, m, n, 1, outH, outW, 0, outW * colStep, colStep);
      // prettier-ignore
      kernels.productAtB(aAt * 4, bAt * 4, steppedAt * 4, offAt * 4, m, n, k, 1, 1, colStep, 0, colStep);
      const got = Array.from(heap().subarray(segmentedAt, segmentedAt + m * n));
      expect(got).toEqual(Array.from(heap().subarray(steppedAt, steppedAt + m * n)));
      expect(Number.isNaN(heap()[segmentedAt + m * n] as number)).toBe(true);
      for (let i = 0; i < m; i++)
        for (const j of [0, 7, 8, 511, n - 1]) {
          let expected = 0;
          for (let p = 0; p < k; p++) expected += (a[i * k + p] as number) * (b[p * n + j] as number);
          expect(Math.abs((got[i * n + j] as number) - expected)).toBeLessThan(1e-3);
        }
    },
  );

  test("A' packed in panels takes the panel sweep: the general sweep's sums bit for bit, and float64's", () => {
    const { kernels, heap } = instantiate(shared);
    // A [37, 300] · B [300, 24] with A packed as directMatMul packs it: panel p holds rows 4p … 4p + 3
    // as [k][4] (rows past 37 zero), k in 3 chunks of 100
    const [m, k, n] = [37, 300, 24];
    const a = values(m * k, 41);
    const b = values(k * n, 42);
    const [offAt, panelsAt] = [0, 64];
    const bAt = panelsAt + 40 * k;
    const [panelOut, generalOut] = [bAt + k * n, bAt + k * n + m * n];
    heap().fill(0, panelsAt, bAt);
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++)
        heap()[panelsAt + (i >> 2) * 4 * k + p * 4 + (i & 3)] = a[i * k + p] as number;
    heap().set(b, bAt);
    const offsets = Array.from({ length: 40 }, (_, i) => ((i >> 2) * 4 * k + (i & 3)) * FLOAT_BYTES);
    const run = (out: number) =>
      kernels.productAtB(panelsAt * 4, bAt * 4, out * 4, offAt * 4, m, n, 3, 1, 100, 400 * 4, 0, 16);
    new Int32Array(heap().buffer).set(offsets, offAt);
    run(panelOut); // every tile's offsets o, o + 4, o + 8, o + 12: the panel sweep
    // the last tile's unused fourth offset moved (its row is neither written nor used): the general sweep
    new Int32Array(heap().buffer).set([offsets[36] as number], offAt + 39);
    run(generalOut);
    const got = Array.from(heap().subarray(panelOut, panelOut + m * n));
    expect(got).toEqual(Array.from(heap().subarray(generalOut, generalOut + m * n)));
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let expected = 0;
        for (let p = 0; p < k; p++) expected += (a[i * k + p] as number) * (b[p * n + j] as number);
        expect(Math.abs((got[i * n + j] as number) - expected)).toBeLessThan(1e-3);
      }
  });

  test.each<{ rows: [number, number]; columns: [number, number] }>([
    { rows: [0, 37], columns: [0, 24] }, // the whole product
    { rows: [4, 16], columns: [8, 16] }, // an inner block
    { rows: [32, 37], columns: [16, 24] }, // the corner: a short tile of rows
    { rows: [0, 4], columns: [0, 24] }, // one tile of rows, every column
  ])(
    'productBlock computes rows $rows × columns $columns as the whole product does, bit for bit, and nothing else',
    ({ rows: [r0, r1], columns: [c0, c1] }) => {
      const { kernels, heap } = instantiate(shared);
      // 37 × 24 outputs of A [37, 300] · B [300, 24], k in 3 chunks of 100 (as directMatMul lays it out)
      const [m, k, n] = [37, 300, 24];
      const [offAt, aAt] = [0, 64];
      const [bAt, wholeAt] = [aAt + m * k, aAt + m * k + k * n];
      const blockAt = wholeAt + m * n + 8;
      heap().set(values(m * k, 21), aAt);
      heap().set(values(k * n, 22), bAt);
      new Int32Array(heap().buffer).set(
        Array.from({ length: 40 }, (_, i) => (i < m ? i * k * FLOAT_BYTES : 0)),
        offAt,
      );
      const geometry = [3, 1, 100, 100 * FLOAT_BYTES, 0, FLOAT_BYTES] as const;
      kernels.productAtB(aAt * 4, bAt * 4, wholeAt * 4, offAt * 4, m, n, ...geometry);
      heap().fill(Number.NaN, blockAt, blockAt + m * n);
      kernels.productBlock(
        aAt * 4,
        (bAt + c0) * 4,
        (blockAt + r0 * n + c0) * 4,
        (offAt + r0) * 4,
        r1 - r0,
        c1 - c0,
        ...geometry,
        n * FLOAT_BYTES,
      );
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          const got = heap()[blockAt + i * n + j] as number;
          if (i >= r0 && i < r1 && j >= c0 && j < c1) expect(got).toBe(heap()[wholeAt + i * n + j]);
          else expect(got).toBeNaN();
        }
    },
  );
});

/**
 * The relaxed-SIMD build's product, run where relaxed SIMD exists (this Node with V8's flag when it is not
 * on by default): 37 × 24 outputs over k = 300 against float64 sums, and against the plain build.
 */
const RELAXED_CHILD = `
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const [relaxed, plain] = [bytes(process.env.RELAXED), bytes(process.env.PLAIN)];
const [m, k, n] = [37, 300, 24];
const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
const run = (wasm) => {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const f32 = new Float32Array(memory.buffer);
  const offsets = new Int32Array(memory.buffer, 0, 40);
  for (let i = 0; i < m; i++) offsets[i] = i * k * 4;
  f32.set(a, 64); f32.set(b, 64 + m * k);
  const out = 64 + m * k + k * n;
  const { productAtB } = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } }).exports;
  productAtB(64 * 4, (64 + m * k) * 4, out * 4, 0, m, n, 3, 1, 100, 400, 0, 4);
  return Array.from(f32.subarray(out, out + m * n));
};
const fused = run(relaxed);
const separate = run(plain);
let vsExact = 0, vsPlain = 0;
for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
  vsExact = Math.max(vsExact, Math.abs(fused[i * n + j] - s));
  vsPlain = Math.max(vsPlain, Math.abs(fused[i * n + j] - separate[i * n + j]));
}
console.log(JSON.stringify({ validates: WebAssembly.validate(relaxed), vsExact, vsPlain }));
`;

test('the relaxed-SIMD build computes the product (fused multiply-adds) where the runtime has it', () => {
  const relaxed = Buffer.from(SIMD_KERNELS_PLAIN_RELAXED, 'base64');
  const flags = WebAssembly.validate(relaxed) ? [] : ['--experimental-wasm-relaxed-simd'];
  const out = execFileSync(process.execPath, [...flags, '-e', RELAXED_CHILD], {
    encoding: 'utf8',
    env: { ...process.env, RELAXED: SIMD_KERNELS_PLAIN_RELAXED, PLAIN: SIMD_KERNELS_PLAIN },
  });
  const result = JSON.parse(out) as { validates: boolean; vsExact: number; vsPlain: number };
  expect(result.validates).toBe(true);
  expect(result.vsExact).toBeLessThan(1e-3); // sums of 300 products of magnitude ≤ 1
  expect(result.vsPlain).toBeLessThan(1e-3);
});

test('the committed binary is what build-simd.mjs makes of kernels.wat', async () => {
  const committed = readFileSync(new URL('./simd-binary.generated.ts', import.meta.url), 'utf8');
  expect(await generateSimdModule()).toBe(committed);
});

test("build-simd.mjs makes the panel sweep from the general one: rows 1–3 broadcast from row 0's address", () => {
  const source = readFileSync(new URL('./kernels.wat', import.meta.url), 'utf8');
  const made = withPanelSweep(source);
  const panels = made.slice(made.indexOf('(func $productBlockPanels'));
  expect(panels.length).toBeLessThan(made.length);
  for (const row of [1, 2, 3]) {
    expect(panels).toContain(
      `(v128.load32_splat offset=${4 * row} (i32.add (local.get $px) (local.get $o0)))`,
    );
    expect(panels).not.toContain(`(local.get $o${row})))`);
  }
  expect(() => withPanelSweep(source.replace(';; @product-block-end', ''))).toThrow(/markers are missing/);
});

describe('through tfjs on the wasm backend, one thread', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => setSimdKernels(true));

  /** Runs `f` with the SIMD kernels on, then off; both results and the cpu backend's. */
  async function onAndOff(f: () => tf.Tensor) {
    const on = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(false);
    const off = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(true);
    await setupBackend({ backend: 'cpu' });
    const cpu = tf.tidy(() => f().dataSync().slice());
    await setupBackend({ backend: 'wasm', threads: 1 });
    return { on, off, cpu };
  }

  test('the kernels are available on wasm, not on cpu, and setSimdKernels turns them off', async () => {
    expect(simdKernelsAvailable(tf.backend())).toBe(true);
    const relaxed = WebAssembly.validate(Buffer.from(SIMD_KERNELS_PLAIN_RELAXED, 'base64'));
    expect(simdKernelsFlavour(tf.backend())).toBe(relaxed ? 'relaxed-simd' : 'simd');
    setSimdKernels(false);
    expect(simdKernelsAvailable(tf.backend())).toBe(false);
    expect(simdKernelsFor(tf.backend())).toBeUndefined();
    setSimdKernels(true);
    await setupBackend({ backend: 'cpu' });
    expect(simdKernelsAvailable(tf.backend())).toBe(false);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  test('setSimdKernels names a wrong argument', () => {
    expect(() => setSimdKernels('yes' as unknown as boolean)).toThrow(
      'setSimdKernels: argument \'on\' must be true or false, got "yes"',
    );
  });

  test('MaxPoolGrad: SIMD = JavaScript loop = cpu, ties and all-negative windows included', async () => {
    const x = tf.tensor4d(values(2 * 9 * 8 * 8, 3, { ties: true }), [2, 9, 8, 8]);
    const dy = tf.tensor4d(values(2 * 4 * 4 * 8, 4), [2, 4, 4, 8]);
    const before = tf.memory().numTensors;
    const pool = () =>
      tf
        .engine()
        .runKernel<tf.Tensor>(
          'MaxPoolGrad',
          { dy, input: x, output: x },
          { filterSize: 2, strides: 2, pad: 'valid' },
        );
    const { on, off, cpu } = await onAndOff(pool);
    expect(Array.from(on)).toEqual(Array.from(off));
    expect(Array.from(on)).toEqual(Array.from(cpu));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  test.each([
    { shape: [4, 5, 5, 32], axis: [0, 1, 2], keepDims: false },
    { shape: [128, 37], axis: 0, keepDims: true },
    { shape: [3, 4, 6], axis: [-2, 0], keepDims: false },
  ])(
    'Sum and Mean over leading axes $axis of $shape: SIMD = tfjs = cpu',
    async ({ shape, axis, keepDims }) => {
      const x = tf.tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          5,
        ),
        shape,
      );
      for (const op of [tf.sum, tf.mean]) {
        const { on, off, cpu } = await onAndOff(() => op(x, axis, keepDims));
        expect(on.length).toBe(off.length);
        on.forEach((v, i) => {
          expect(v).toBeCloseTo(off[i] as number, 4);
          expect(v).toBeCloseTo(cpu[i] as number, 4);
        });
        const expectedShape = tf.tidy(() => op(tf.add(x, 0), axis, keepDims).shape);
        setSimdKernels(false);
        expect(tf.tidy(() => op(x, axis, keepDims).shape)).toEqual(expectedShape);
        setSimdKernels(true);
      }
      x.dispose();
    },
  );

  test('Sum over other axes, of int32, and into fewer than four outputs goes to tfjs unchanged', () => {
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32');
    const floats = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(tf.sum(ints, 0).dtype).toBe('int32');
      expect(Array.from(tf.sum(ints, 0).dataSync())).toEqual([6, 8, 10, 12]);
      expect(Array.from(tf.sum(floats, 0).dataSync())).toEqual([5, 7, 9]);
      expect(Array.from(tf.sum(floats, 1).dataSync())).toEqual([6, 15]);
      expect(Array.from(tf.mean(floats).dataSync())).toEqual([3.5]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ints, floats]);
  });

  test.each([
    [
      [37, 24],
      [1, 0],
    ],
    [
      [3, 2, 9, 17],
      [0, 1, 3, 2],
    ],
    [
      [1, 256, 10],
      [0, 2, 1],
    ],
  ])('Transpose %j by %j (SIMD) = tfjs = cpu, bit for bit', async (shape, perm) => {
    const x = tf.tensor(
      values(
        shape.reduce((a, b) => a * b, 1),
        41,
      ),
      shape,
    );
    const { on, off, cpu } = await onAndOff(() => tf.transpose(x, perm));
    expect(Array.from(on)).toEqual(Array.from(off));
    expect(Array.from(on)).toEqual(Array.from(cpu));
    tf.dispose(x);
  });

  test('other permutations, int32 and tiny matrices go to tfjs unchanged', () => {
    expect(swapsLastTwo([1, 0])).toBe(true);
    expect(swapsLastTwo([0, 2, 1])).toBe(true);
    expect(swapsLastTwo([1, 0, 2])).toBe(false);
    expect(swapsLastTwo([2, 1, 0])).toBe(false);
    expect(swapsLastTwo([0])).toBe(false);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const cube = tf.reshape(tf.range(0, 24), [2, 3, 4]);
      expect(Array.from(tf.transpose(cube, [2, 0, 1]).dataSync()).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]);
      const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
      expect(tf.transpose(ints).dtype).toBe('int32');
      expect(Array.from(tf.transpose(ints).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
      expect(Array.from(tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2])).dataSync())).toEqual([
        1, 3, 5, 2, 4, 6,
      ]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  test('products go direct where the SIMD product runs on all the threads (one, as here), to XNNPACK where not', () => {
    expect(getThreadsCount()).toBe(1);
    expect(prefersDirect(1, 1)).toBe(true);
    expect(prefersDirect(2, 2)).toBe(true);
    expect(prefersDirect(2, 1)).toBe(false); // a threaded backend whose kernel workers did not start
    expect(prefersDirect(1, 0)).toBe(false);
    const t = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
      ({ shape, dtype, dataId: {} }) as unknown as tf.TensorInfo;
    expect(directMatMulFits(t([5, 7]), t([7, 8]), false)).toBe(true);
    expect(directMatMulFits(t([1, 5, 7]), t([1, 16, 7]), true)).toBe(true);
    expect(directMatMulFits(t([5, 7]), t([7, 6]), false)).toBe(false); // columns not a multiple of 8
    expect(directMatMulFits(t([2, 5, 7]), t([7, 8]), false)).toBe(false); // a batch
    expect(directMatMulFits(t([5, 7], 'int32'), t([7, 8]), false)).toBe(false);
  });

  test('convolutions go direct wherever the product has as many threads as XNNPACK; of 4 or more input channels, always', () => {
    expect(convTakesDirect(1, 1, 1)).toBe(true); // one thread each: the same sums as on the pool
    expect(convTakesDirect(3, 1, 2)).toBe(true); // the kernel workers on two threads, XNNPACK on one
    expect(convTakesDirect(1, 2, 2)).toBe(true);
    expect(convTakesDirect(4, 1, 1)).toBe(true);
    expect(convTakesDirect(32, 2, 1)).toBe(true); // (a threaded backend whose kernel workers did not start)
    expect(convTakesDirect(3, 2, 1)).toBe(false); // there XNNPACK has more threads
    expect(convTakesDirect(1, 1, 0)).toBe(false); // no SIMD kernels
    expect(convTakesDirect(32, 1, 0)).toBe(false);
  });

  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA %s transposeB %s (SIMD product) = XNNPACK = cpu', async (transposeA, transposeB) => {
    const [m, k, n] = [37, 300, 24];
    const a = tf.tensor2d(values(m * k, 21), transposeA ? [k, m] : [m, k]);
    const b = tf.tensor2d(values(k * n, 22), transposeB ? [n, k] : [k, n]);
    const bias = tf.tensor1d(values(n, 23));
    for (const f of [
      () => tf.matMul(a, b, transposeA, transposeB),
      () => tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation: 'relu' }),
    ]) {
      const { on, off, cpu } = await onAndOff(f);
      expectTensorsClose(on, off, { rtol: 1e-5, atol: 1e-4 });
      expectTensorsClose(on, cpu, { rtol: 1e-5, atol: 1e-4 });
    }
    tf.dispose([a, b, bias]);
  });

  test('a conv of 256 channels, its 2.4 MB filter swept in segments (SIMD product) = XNNPACK = cpu', async () => {
    const x = tf.tensor4d(values(2 * 5 * 4 * 256, 24), [2, 5, 4, 256]);
    const w = tf.tensor4d(values(3 * 3 * 256 * 256, 25), [3, 3, 256, 256]);
    const { on, off, cpu } = await onAndOff(() => tf.conv2d(x, w, 1, 'same'));
    expectTensorsClose(on, off, { rtol: 1e-5, atol: 1e-3 });
    expectTensorsClose(on, cpu, { rtol: 1e-5, atol: 1e-3 });
    tf.dispose([x, w]);
  });

  test.each([37, 38, 39, 40])(
    "a transposed left operand (m = %i) is packed from its columns: the product of its transpose's, bit for bit",
    (m) => {
      const [k, n] = [300, 24];
      const a = tf.tensor2d(values(k * m, m), [k, m]);
      const b = tf.tensor2d(values(k * n, 22), [k, n]);
      const aT = tf.transpose(a); // [m, k]: the product then packs A' from its rows
      const [direct, viaTranspose] = [tf.matMul(a, b, true, false), tf.matMul(aT, b)];
      const bytes = (t: tf.Tensor) => Buffer.from(t.dataSync().buffer);
      expect(bytes(direct).equals(bytes(viaTranspose))).toBe(true);
      tf.dispose([a, b, aT, direct, viaTranspose]);
    },
  );

  test('pixelPadding: a line more a pixel where x has a multiple of 128 channels (512 bytes), none elsewhere', () => {
    for (const c of [128, 256, 384, 512, 1024]) expect(pixelPadding(c)).toBe(16);
    for (const c of [1, 3, 32, 64, 96, 192, 200]) expect(pixelPadding(c)).toBe(0);
  });

  test.each(['same', 'valid'] as const)(
    "the filter gradient of 128 channels, x's pixels a line apart more (%s) = XNNPACK's composition = cpu, no data left",
    async (pad) => {
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const x = tf.tensor4d(values(2 * 6 * 5 * 128, 26), [2, 6, 5, 128]);
      const outShape = pad === 'same' ? [2, 6, 5, 16] : [2, 4, 3, 16];
      const dy = tf.tensor(
        values(
          outShape.reduce((p, q) => p * q, 1),
          27,
        ),
        outShape,
      );
      const gradient = () =>
        tf
          .engine()
          .runKernel<tf.Tensor>(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], filterShape: [3, 3, 128, 16] },
          );
      const before = backend.numDataIds();
      tf.dispose(gradient());
      expect(backend.numDataIds()).toBe(before);
      const { on, off, cpu } = await onAndOff(gradient);
      expectTensorsClose(on, off, { rtol: 1e-5, atol: 1e-4 });
      expectTensorsClose(on, cpu, { rtol: 1e-5, atol: 1e-4 });
      tf.dispose([x, dy]);
    },
  );

  test('no backend data outlives a call: products, fused products, filter gradients, pooling, sums, transposes', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor4d(values(2 * 8 * 8 * 4, 31), [2, 8, 8, 4]);
    const w = tf.tensor4d(values(3 * 3 * 4 * 8, 32), [3, 3, 4, 8]);
    const a = tf.tensor2d(values(6 * 10, 33), [6, 10]);
    const b = tf.tensor2d(values(8 * 10, 34), [8, 10]);
    const bias = tf.tensor1d(values(8, 35));
    const c = tf.tensor2d(values(6 * 8, 36), [6, 8]);
    const before = backend.numDataIds();
    const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.maxPool(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'), 2, 2, 'valid')),
    )([x, w]);
    tf.dispose(grads);
    tf.dispose(tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' }));
    tf.dispose(tf.matMul(a, c, true, false)); // Aᵀ transposed first: that copy is freed
    tf.dispose(tf.mean(x, [0, 1, 2]));
    tf.dispose(tf.transpose(a));
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([x, w, a, b, bias, c]);
  });

  test('empty products and empty batches give zeros, not whatever the heap held', () => {
    const before = tf.memory().numTensors;
    const garbage = () => tf.dispose(tf.fill([3, 3, 2, 8], 7)); // the next allocation of that size reuses it
    tf.tidy(() => {
      garbage();
      const product = tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 8]));
      expect(product.shape).toEqual([3, 8]);
      expect(Array.from(product.dataSync()).every((v) => v === 0)).toBe(true);
      garbage();
      const productAt = tf.matMul(tf.zeros([0, 3]), tf.zeros([0, 8]), true, false);
      expect(productAt.shape).toEqual([3, 8]);
      expect(Array.from(productAt.dataSync()).every((v) => v === 0)).toBe(true);
      garbage();
      const filter = tf
        .engine()
        .runKernel<tf.Tensor>(
          'Conv2DBackpropFilter',
          { x: tf.zeros([0, 5, 5, 2]), dy: tf.zeros([0, 3, 3, 8]) },
          { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, filterShape: [3, 3, 2, 8] },
        );
      expect(filter.shape).toEqual([3, 3, 2, 8]);
      expect(Array.from(filter.dataSync()).every((v) => v === 0)).toBe(true);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
