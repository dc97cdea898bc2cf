/** The comparisons of `tensors.ts`: bit for bit, and within a tolerance. */
import { expect, test } from 'vitest';
import { expectSameFloats, expectTensorsClose } from './tensors';

test('expectSameFloats: equal bits pass (any NaN with any NaN); −0 against +0, a last-bit change or another length fail, naming the value', () => {
  const nan = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0] as number;
  expectSameFloats(new Float32Array([1, Number.NaN, -0, Infinity]), [1, nan, -0, Infinity]);
  expect(() => expectSameFloats([0, -0], [0, 0])).toThrow('value 1: 0 instead of 0');
  const next = new Float32Array(new Uint32Array([0x3f800001]).buffer)[0] as number;
  expect(() => expectSameFloats([1, next], [1, 1])).toThrow(/^value 1: 1\.0000001/);
  expect(() => expectSameFloats([1], [1, 2])).toThrow();
  expect(() => expectSameFloats([Number.NaN], [0])).toThrow('value 0: NaN instead of 0');
});

test('expectTensorsClose: within atol + rtol·|expected| passes, NaN equals NaN, beyond it names the worst index', () => {
  expectTensorsClose([1, 2, Number.NaN], [1 + 1e-6, 2, Number.NaN]);
  expect(() => expectTensorsClose([1, 2.1], [1, 2])).toThrow(/flat index 1: got 2.1, expected 2/);
});
