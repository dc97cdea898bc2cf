import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { setupBackend } from './backend/setup-backend';
import {
  assertFiniteNumber,
  assertInRange,
  assertNonNegativeInteger,
  assertOneOf,
  assertPositiveInteger,
  assertTensor,
  describeValue,
  GradwellArgumentError,
} from './validation';

describe('argument validation', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test('errors name the context, the argument, the expectation and the value', () => {
    expect(() => assertInRange('dropout', 'rate', 1, { min: 0, max: 1, maxInclusive: false })).toThrow(
      "dropout: argument 'rate' must be a number in [0, 1), got 1",
    );
    expect(() => assertInRange('l2', 'lambda', -0.1, { min: 0 })).toThrow(
      "l2: argument 'lambda' must be a number ≥ 0, got -0.1",
    );
    expect(() => assertInRange('x', 'y', 5, { max: 1, maxInclusive: false })).toThrow(
      'must be a number < 1, got 5',
    );
    expect(() => assertPositiveInteger('dense', 'units', 0)).toThrow(
      "dense: argument 'units' must be a positive integer, got 0",
    );
    expect(() => assertNonNegativeInteger('crop', 'padding', -1)).toThrow('a non-negative integer, got -1');
    expect(() => assertFiniteNumber('f', 'x', Number.NaN)).toThrow('a finite number, got NaN');
    expect(() => assertOneOf('conv2d', 'padding', 'full', ['valid', 'same'])).toThrow(
      "conv2d: argument 'padding' must be one of 'valid', 'same', got \"full\"",
    );
  });

  test('valid values pass', () => {
    expect(() => assertInRange('d', 'rate', 0, { min: 0, max: 1, maxInclusive: false })).not.toThrow();
    expect(() => assertOneOf('c', 'p', 'same', ['valid', 'same'])).not.toThrow();
    expect(() => assertPositiveInteger('d', 'u', 3)).not.toThrow();
  });

  test('tensor checks name rank and dtype', () => {
    const x = tf.zeros([2, 3]);
    expect(() => assertTensor('flip', 'images', x, { ranks: [3, 4] })).toThrow(
      "flip: argument 'images' must be a tensor of rank 3 or 4, got a float32 tensor of shape [2, 3]",
    );
    expect(() => assertTensor('oneHot', 'labels', x, { dtypes: ['int32'] })).toThrow(
      'must be a int32 tensor',
    );
    expect(() => assertTensor('f', 'x', [1, 2])).toThrow("argument 'x' must be a tensor, got [1, 2]");
    expect(() => assertTensor('f', 'x', x, { ranks: [2], dtypes: ['float32'] })).not.toThrow();
    x.dispose();
  });

  test('the error is a GradwellArgumentError with its parts', () => {
    try {
      assertPositiveInteger('ctx', 'arg', -2);
    } catch (error) {
      expect(error).toBeInstanceOf(GradwellArgumentError);
      expect((error as GradwellArgumentError).argument).toBe('arg');
      expect((error as GradwellArgumentError).received).toBe(-2);
    }
  });

  test('describeValue', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue('s')).toBe('"s"');
  });
});
