/** Comparing tensors (or arrays) elementwise with a relative and an absolute tolerance. */
import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export interface Tolerance {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
}

type Values = Tensor | ArrayLike<number> | number;

function toArray(value: Values): { values: number[]; shape?: number[] } {
  if (typeof value === 'number') return { values: [value], shape: [] };
  if ('dataSync' in value && 'shape' in value) {
    return { values: Array.from(value.dataSync() as ArrayLike<number>), shape: value.shape };
  }
  return { values: Array.from(value) };
}

/** Asserts |a − e| ≤ atol + rtol·|e| everywhere (NaN equals NaN), and equal shapes for two tensors. */
export function expectTensorsClose(
  actual: Values,
  expected: Values,
  { rtol = 1e-5, atol = 1e-6 }: Tolerance = {},
): void {
  const a = toArray(actual);
  const e = toArray(expected);
  if (a.shape !== undefined && e.shape !== undefined) expect(a.shape).toEqual(e.shape);
  expect(a.values.length).toBe(e.values.length);
  let worst = { index: -1, error: 0, a: 0, e: 0 };
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i] as number;
    const ev = e.values[i] as number;
    if (Number.isNaN(av) && Number.isNaN(ev)) continue;
    if (av === ev) continue;
    const excess = Math.abs(av - ev) - (atol + rtol * Math.abs(ev));
    if (!(excess <= worst.error))
      worst = { index: i, error: Number.isNaN(excess) ? Infinity : excess, a: av, e: ev };
  }
  if (worst.index >= 0) {
    throw new Error(
      `tensors differ at flat index ${worst.index}: got ${worst.a}, expected ${worst.e} ` +
        `(|diff| = ${Math.abs(worst.a - worst.e)}, allowed ${atol} + ${rtol}·|expected|)`,
    );
  }
}

/** Runs `fn` and asserts it left no more tensors alive than before (returns its result). */
export async function expectNoLeakedTensors<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = memory().numTensors;
  const result = await fn();
  const after = memory().numTensors;
  if (after !== before)
    throw new Error(`leaked ${after - before} tensor(s): ${before} before the call, ${after} after`);
  return result;
}

/**
 * Asserts float32 values equal bit for bit (−0 is not +0; any NaN equals any NaN, payloads aside), and
 * names the first value that differs.
 */
export function expectSameFloats(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(new Float32Array([v]).buffer)[0]);
  for (let i = 0; i < expected.length; i++)
    if (bits(actual[i] as number) !== bits(expected[i] as number))
      throw new Error(`value ${i}: ${actual[i]} instead of ${expected[i]}`);
}
