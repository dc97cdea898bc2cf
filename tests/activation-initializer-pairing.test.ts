/** The lecture's pairing end to end: activations' metadata read by init's initializerFor. */
import { calculateGain, getActivation } from '@gradwell/activations';
import { initializerFor } from '@gradwell/init';
import { describe, expect, test } from 'vitest';

describe('gains and the activation pairing', () => {
  test('calculateGain has the standard values', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(calculateGain('selu')).toBe(0.75);
    expect(() => calculateGain('tanh', 1)).toThrow(/takes no parameter/);
  });

  test('initializerFor pairs activations with schemes (the lecture table)', () => {
    const pair = (name: string, options?: Record<string, number>) =>
      initializerFor(getActivation(name, options));
    expect(pair('tanh').className).toBe('glorotUniform');
    expect(pair('tanh').getConfig()).toEqual({ gain: 5 / 3 });
    expect(pair('sigmoid').getConfig()).toEqual({ gain: 1 });
    expect(pair('relu').className).toBe('heNormal');
    expect(pair('gelu').className).toBe('heNormal');
    expect(pair('selu').className).toBe('lecunNormal');
    expect(pair('leakyRelu', { alpha: 0.1 }).getConfig()).toEqual({
      mode: 'fanIn',
      negativeSlope: 0.1,
    });
  });
});
