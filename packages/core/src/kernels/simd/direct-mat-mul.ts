/**
 * A plain float32 product C = A'·B' (A' = A or Aᵀ, B' = B or Bᵀ, one matrix each) on gradwell's SIMD
 * kernel `productAtB`: C[i, j] = Σ_k A'[i, k]·B'[k, j] as a sweep over k, B' row by row. A' is packed
 * first into panels of four rows, each stored k-major ([k][4]: the four values a step of k broadcasts,
 * side by side) — from A's rows, or where A' = Aᵀ straight from A's columns (`packColumns`) — and Bᵀ is
 * transposed: one SIMD pass each (14–44 µs for the benchmark MLP's operands in cache). Read from panels
 * the product ran at 39–42 GFLOP/s, against 34–37 from A' by rows (V8 spends no additions on the
 * broadcasts' addresses) and 24–28 down A's stored columns when transposed (one thread, relaxed SIMD;
 * `docs/measurements/targets-2-core.md`). The sums run in the same order whichever way A' is read. Tiles of 4 rows × 8 columns in eight vector accumulators; k in chunks so a chunk of
 * A' and B' stays in cache. Nothing is packed for later (XNNPACK packs the right operand of every
 * product and caches it; in training every weight is a new tensor after each update).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from '../kernel-calls';
import {
  copyHeapBytes,
  FLOAT_BYTES,
  heapOffset,
  makeFloatOutput,
  withInt32Scratch,
  type SimdKernels,
} from './simd-kernels';

/** k per chunk, at most: a chunk's rows of B' (k × 8 floats per tile) and of A' stay in L1. */
const K_CHUNK = 128;

/** The largest divisor of k that is at most K_CHUNK (k itself when k is small or prime-ish). */
export function chunkOf(k: number): number {
  if (k <= K_CHUNK) return k;
  for (let c = K_CHUNK; c >= 16; c--) if (k % c === 0) return c;
  return k;
}

/** Whether `directMatMul` takes these operands: 2-D (or batch-1) float32, n a multiple of 8. */
export function directMatMulFits(a: TensorInfo, b: TensorInfo, transposeB: boolean): boolean {
  const single = (x: TensorInfo) => x.shape.slice(0, -2).every((d) => d === 1);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  return (
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    a.shape.length >= 2 &&
    b.shape.length >= 2 &&
    single(a) &&
    single(b) &&
    n !== undefined &&
    n % 8 === 0 &&
    n > 0
  );
}

/** Values a panel of A' holds per step of k: its four rows side by side. */
const PANEL_ROWS = 4;

/**
 * A' ([m, k], row-major) packed into panels of four rows, panel p holding rows 4p … 4p + 3 as [k][4];
 * the rows of the last panel past m are zeros. Returns the panels' byte offset (freed with `calls`).
 */
function packPanels(calls: KernelCalls, simd: SimdKernels, left: TensorInfo, m: number, k: number): number {
  const { backend } = calls;
  const full = Math.floor(m / PANEL_ROWS);
  const panelBytes = PANEL_ROWS * k * FLOAT_BYTES;
  const panels = makeFloatOutput(backend, [Math.ceil(m / PANEL_ROWS) * PANEL_ROWS * k], false);
  calls.track(panels.out);
  const from = heapOffset(backend, left);
  for (let p = 0; p < full; p++) {
    simd.transpose(from + p * panelBytes, panels.offset + p * panelBytes, PANEL_ROWS, k);
  }
  if (full * PANEL_ROWS < m) {
    const strip = makeFloatOutput(backend, [PANEL_ROWS * k], true); // the missing rows stay zero
    calls.track(strip.out);
    copyHeapBytes(backend, from + full * panelBytes, strip.offset, (m - full * PANEL_ROWS) * k * FLOAT_BYTES);
    simd.transpose(strip.offset, panels.offset + full * panelBytes, PANEL_ROWS, k);
  }
  return panels.offset;
}

/**
 * A' = Aᵀ (A stored [k, m]) packed into the same panels as `packPanels` packs A', straight from A's
 * columns: one pass instead of a transpose and then the panels' (A' itself is never made).
 */
function packColumns(calls: KernelCalls, simd: SimdKernels, a: TensorInfo, m: number, k: number): number {
  const panels = makeFloatOutput(calls.backend, [Math.ceil(m / PANEL_ROWS) * PANEL_ROWS * k], false);
  calls.track(panels.out);
  simd.packColumns(heapOffset(calls.backend, a), panels.offset, k, m);
  return panels.offset;
}

export function directMatMul(
  calls: KernelCalls,
  simd: SimdKernels,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const { backend } = calls;
  const [rowsA, colsA] = a.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
  const right = transposeB ? calls.transpose(calls.reshape(b, b.shape.slice(-2)), [1, 0]) : b;
  const n = right.shape[right.shape.length - 1] as number;
  const batchShape = (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2);
  // With k = 0 the product is all zeros and the kernel writes nothing.
  const { out, offset } = makeFloatOutput(backend, [...batchShape, m, n], k === 0);
  if (k === 0 || m === 0) return out;
  const panels = transposeA ? packColumns(calls, simd, a, m, k) : packPanels(calls, simd, a, m, k);
  // Row i of A' (and each padding row of the last tile): lane i mod 4 of panel ⌊i / 4⌋; a step of k
  // moves one panel row on, so every tile's offsets are o, o + 4, o + 8, o + 12 (the kernel's fast sweep).
  const offsets = Int32Array.from(
    { length: Math.ceil(m / PANEL_ROWS) * PANEL_ROWS },
    (_, i) => (Math.floor(i / PANEL_ROWS) * PANEL_ROWS * k + (i % PANEL_ROWS)) * FLOAT_BYTES,
  );
  const kStep = PANEL_ROWS * FLOAT_BYTES;
  const chunk = chunkOf(k);
  withInt32Scratch(backend, offsets, (offsetsAt) =>
    simd.productAtB(
      panels,
      heapOffset(backend, right),
      offset,
      offsetsAt,
      m,
      n,
      k / chunk, // chunks ("images")
      1,
      chunk, // k per chunk ("pixels")
      chunk * kStep,
      0,
      kStep,
    ),
  );
  return out;
}
