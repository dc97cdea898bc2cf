import { describe, expect, test } from 'vitest';
import { calculateGain, initializerFor } from './gain';
import { getInitializer, initializerFromConfig, listInitializerAliases, listInitializers } from './registry';

describe('initializer registry', () => {
  test('every name round-trips: created className and config rebuild the same initialiser', () => {
    expect(listInitializers()).toHaveLength(18);
    for (const name of listInitializers()) {
      const initializer = getInitializer(name);
      expect(initializer.className).toBe(name);
      expect(initializer.name).toBe(name);
      const rebuilt = initializerFromConfig({
        className: initializer.className,
        config: initializer.getConfig(),
      });
      expect(rebuilt.getConfig()).toEqual(initializer.getConfig());
    }
    for (const [alias, name] of Object.entries(listInitializerAliases()))
      expect(getInitializer(alias).className).toBe(name);
  });

  test('aliases of the field', () => {
    expect(getInitializer('xavierUniform').className).toBe('glorotUniform');
    expect(getInitializer('kaiming_normal', { negativeSlope: 0.1 }).getConfig()).toEqual({
      mode: 'fanIn',
      negativeSlope: 0.1,
    });
    expect(() => getInitializer('heNormall')).toThrow(
      /Unknown initializer 'heNormall'\. Did you mean 'heNormal'\?/,
    );
  });

  test('an option the initialiser does not take is refused, not ignored', () => {
    expect(() => getInitializer('normal', { stddev: 0.1 })).toThrow(
      "getInitializer: 'normal' has no option 'stddev'; its options: mean, std.",
    );
    expect(getInitializer('normal', { std: 0.1 }).getConfig()).toEqual({ mean: 0, std: 0.1 });
  });
});

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
    expect(initializerFor('tanh').className).toBe('glorotUniform');
    expect(initializerFor('tanh').getConfig()).toEqual({ gain: 5 / 3 });
    expect(initializerFor('sigmoid').getConfig()).toEqual({ gain: 1 });
    expect(initializerFor('relu').className).toBe('heNormal');
    expect(initializerFor('gelu').className).toBe('heNormal');
    expect(initializerFor('selu').className).toBe('lecunNormal');
    expect(initializerFor('leakyRelu', { alpha: 0.1 }).getConfig()).toEqual({
      mode: 'fanIn',
      negativeSlope: 0.1,
    });
  });
});
