import { describe, expect, test } from 'vitest';
import { createRegistry, editDistance, findNearestName } from './registry';

describe('createRegistry', () => {
  const make = () => {
    const registry = createRegistry<number>('activation');
    registry.register('relu', 1);
    registry.register('swish', 2, { aliases: ['silu'] });
    registry.register('leakyRelu', 3, { aliases: ['leaky_relu', 'leakyrelu'] });
    return registry;
  };

  test('resolves names and aliases', () => {
    const registry = make();
    expect(registry.get('relu')).toBe(1);
    expect(registry.get('silu')).toBe(2);
    expect(registry.resolveName('leaky_relu')).toBe('leakyRelu');
    expect(registry.has('leakyrelu')).toBe(true);
    expect(registry.has('gelu')).toBe(false);
    expect(registry.list()).toEqual(['leakyRelu', 'relu', 'swish']);
    expect(registry.aliases()).toEqual({ silu: 'swish', leaky_relu: 'leakyRelu', leakyrelu: 'leakyRelu' });
  });

  test('a duplicate name or alias throws and changes nothing', () => {
    const registry = make();
    expect(() => registry.register('relu', 9)).toThrow(/'relu' is already registered/);
    expect(() => registry.register('gelu', 9, { aliases: ['silu'] })).toThrow(
      /'silu' is already registered \(as an alias of 'swish'\)/,
    );
    expect(registry.has('gelu')).toBe(false);
    expect(registry.get('relu')).toBe(1);
  });

  test('an unknown name lists the known names and suggests the nearest', () => {
    expect(() => make().get('rleu')).toThrow(
      /Unknown activation 'rleu'\. Did you mean 'relu'\? Known activations: leakyRelu, relu, swish\./,
    );
    expect(() => make().get('softmax')).toThrow(/^Unknown activation 'softmax'\. Known activations/);
  });

  test('rejects empty names and repeated aliases', () => {
    const registry = createRegistry<number>('thing');
    expect(() => registry.register('', 1)).toThrow(/non-empty string/);
    expect(() => registry.register('a', 1, { aliases: ['b', 'b'] })).toThrow();
  });
});

test('editDistance and findNearestName', () => {
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('gleu', 'gelu')).toBe(1);
  expect(findNearestName('heNormall', ['heNormal', 'heUniform'])).toBe('heNormal');
  expect(findNearestName('zzzzzz', ['relu'])).toBeUndefined();
});
