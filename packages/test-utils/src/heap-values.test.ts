import { describe, expect, test } from 'vitest';
import { seededFloats } from './heap-values';

describe('seededFloats', () => {
  test('the same seed gives the same values; another seed others; all in [−scale, scale)', () => {
    const a = seededFloats(1000, 7, { scale: 2 });
    expect(Array.from(seededFloats(1000, 7, { scale: 2 }))).toEqual(Array.from(a));
    expect(Array.from(seededFloats(1000, 8, { scale: 2 }))).not.toEqual(Array.from(a));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a)).toBeLessThan(2);
    expect(Math.max(...a)).toBeGreaterThan(1.9); // the range is used, not a corner of it
  });

  test('special values land at every `every`-th position from `at`, and only there', () => {
    const special = [Number.NaN, Infinity, -0];
    const v = seededFloats(700, 3, { special, every: 7, at: 3 });
    v.forEach((x, i) => {
      if (i % 7 === 3) expect(special.some((s) => Object.is(s, x))).toBe(true);
      else expect(Number.isFinite(x) && Math.abs(x) < 1).toBe(true);
    });
    expect(
      new Set(
        Array.from(
          v.filter((_, i) => i % 7 === 3),
          String,
        ),
      ).size,
    ).toBe(3); // all of them used
  });
});
