import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoLeakedTensors } from '@gradwell/test-utils';
import { describe, expect, test } from 'vitest';
import { assertRandomSource, createRandom, getGlobalRandom, setGlobalSeed } from './random';

describe('createRandom', () => {
  test('the same seed gives the same sequence; another seed another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  test('uniform draws have the moments of U[0, 1)', () => {
    const random = createRandom(1);
    const n = 100_000;
    const xs = Array.from({ length: n }, () => random.next());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // σ/√n ≈ 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  test('normal draws have mean and std as asked', () => {
    const random = createRandom(2);
    const n = 100_000;
    const xs = Array.from({ length: n }, () => random.normal(3, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 3)).toBeLessThan(0.03);
    expect(Math.abs(std - 2)).toBeLessThan(0.03);
  });

  test('permutation is a permutation; nextInt stays in range', () => {
    const random = createRandom(3);
    const p = Array.from(random.permutation(100));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 1000; i++) expect(random.nextInt(7)).toBeLessThan(7);
  });

  test('state round-trips: a restored source continues the same sequence', () => {
    const random = createRandom(5);
    random.next();
    const state = random.getState();
    const expected = [random.next(), random.next()];
    const other = createRandom(99);
    other.setState(state);
    expect([other.next(), other.next()]).toEqual(expected);
  });

  test('fork gives independent but reproducible children', () => {
    const childA = createRandom(8).fork();
    const childB = createRandom(8).fork();
    expect(childA.next()).toBe(childB.next());
  });

  test('bad arguments name the argument', () => {
    expect(() => createRandom(1.5)).toThrow(/createRandom: argument 'seed' must be an integer, got 1.5/);
    expect(() => createRandom(1).nextInt(0)).toThrow(/argument 'n' must be a positive integer, got 0/);
    expect(() => createRandom(1).uniform(Number.NaN, 1)).toThrow(
      /argument 'min' must be a finite number, got NaN/,
    );
  });

  test('assertRandomSource: a source, or an object with every method of one', () => {
    expect(() => assertRandomSource('dropout', createRandom(1))).not.toThrow();
    expect(() => assertRandomSource('dropout', getGlobalRandom())).not.toThrow();
    const expected = "dropout: argument 'random' must be a random source (createRandom(seed))";
    expect(() => assertRandomSource('dropout', undefined)).toThrow(`${expected}, got undefined`);
    expect(() => assertRandomSource('dropout', 7)).toThrow(`${expected}, got 7`);
    expect(() => assertRandomSource('dropout', null)).toThrow(`${expected}, got null`);
    const lacking = { ...createRandom(1), uniformTensor: undefined };
    expect(() => assertRandomSource('dropout', lacking, 'rng')).toThrow(
      "dropout: argument 'rng' must be a random source (createRandom(seed)); the object given has no method 'uniformTensor'",
    );
  });

  test('the global source is reseedable', () => {
    setGlobalSeed(11);
    const first = getGlobalRandom().next();
    setGlobalSeed(11);
    expect(getGlobalRandom().next()).toBe(first);
  });
});

const tensorValues = (backend: string) => {
  void backend;
  const random = createRandom(21);
  const tensors = [
    random.uniformTensor([4, 3], -1, 1),
    random.normalTensor([5]),
    random.truncatedNormalTensor([6], 0, 2),
  ];
  const values = tensors.map((t) => Array.from(t.dataSync()));
  tf.dispose(tensors);
  return values;
};

const seen: number[][][] = [];
describeOnBackends('seeded tensors', (backend) => {
  test('are the same on every backend, and leak nothing', async () => {
    const values = await expectNoLeakedTensors(() => tensorValues(backend));
    seen.push(values);
    if (seen.length === 2) expect(seen[1]).toEqual(seen[0]);
    expect((values[2] as number[]).every((v) => Math.abs(v) <= 4)).toBe(true);
  });
});
