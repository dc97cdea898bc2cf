import { describe, expect, test } from 'vitest';
import type { ActivationFunction, Initializer, ObjectResolvers } from '../contracts';
import { GradwellArgumentError } from '../validation';
import { choiceField, defineLayerConfig, field, optionalField } from './layer-config';

const relu: ActivationFunction = { name: 'relu', apply: (x) => x, getConfig: () => ({}) };
const ones: Initializer = { className: 'ones', apply: () => undefined as never, getConfig: () => ({}) };
const resolvers: ObjectResolvers = {
  activation: ({ className }) => {
    if (className !== 'relu') throw new Error(`unknown activation '${className}'`);
    return relu;
  },
  initializer: () => ones,
};

const EXAMPLE = defineLayerConfig('Example', {
  units: field('integer'),
  rate: optionalField('number'),
  kernelSize: field('pair'),
  padding: choiceField(['valid', 'same']),
  useBias: optionalField('boolean'),
  activation: field('activation'),
  kernelInitializer: field('initializer'),
});

describe('defineLayerConfig', () => {
  test('write gives plain JSON (objects by registry name); read gives the arguments back', () => {
    const layer = {
      name: 'example',
      units: 4,
      rate: undefined,
      kernelSize: [3, 2] as [number, number],
      padding: 'same' as const,
      useBias: true,
      activation: relu,
      kernelInitializer: ones,
    };
    const config = EXAMPLE.write(layer);
    expect(config).toEqual({
      name: 'example',
      units: 4,
      kernelSize: [3, 2],
      padding: 'same',
      useBias: true,
      activation: { className: 'relu', config: {} },
      kernelInitializer: { className: 'ones', config: {} },
    });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const args = EXAMPLE.read(config, resolvers);
    expect(args).toEqual({ ...layer, rate: undefined });
    expect(args.activation).toBe(relu);
  });

  test('no activation is written as null and read as undefined; optional fields may be left out', () => {
    const layer = { name: 'x', units: 1, kernelSize: 1, kernelInitializer: ones };
    const config = EXAMPLE.write(layer);
    expect(config.activation).toBeNull();
    const args = EXAMPLE.read(config, resolvers);
    expect(args.activation).toBeUndefined();
    expect('rate' in args).toBe(false);
  });

  const valid = {
    name: 'x',
    units: 2,
    kernelSize: 3,
    activation: null,
    kernelInitializer: { className: 'ones', config: {} },
  };

  test.each([
    [{ ...valid, units: 2.5 }, "Example config: argument 'units' must be an integer, got 2.5"],
    [{ ...valid, units: undefined }, "argument 'units' must be an integer, got undefined"],
    [{ ...valid, rate: Number.NaN }, "argument 'rate' must be a finite number, got NaN"],
    [{ ...valid, kernelSize: [3, 0] }, "argument 'kernelSize' must be a positive integer or a pair of them"],
    [{ ...valid, padding: 'full' }, "argument 'padding' must be one of 'valid', 'same', got \"full\""],
    [{ ...valid, useBias: 'yes' }, "argument 'useBias' must be true or false"],
    [{ ...valid, activation: 'relu' }, "argument 'activation' must be null or a serialised activation"],
    [
      { ...valid, kernelInitializer: undefined },
      "argument 'kernelInitializer' must be a serialised initialiser",
    ],
    [{ ...valid, name: '' }, "argument 'name' must be a non-empty string"],
  ])('a bad field is named: %j', (config, message) => {
    expect(() => EXAMPLE.read(config, resolvers)).toThrow(GradwellArgumentError);
    expect(() => EXAMPLE.read(config, resolvers)).toThrow(message);
  });

  test('an unknown field (a typo) is refused with the known ones listed', () => {
    expect(() => EXAMPLE.read({ ...valid, unit: 3 }, resolvers)).toThrow(
      "Example config: unknown field 'unit'; Example has 'name', 'units', 'rate', 'kernelSize'",
    );
  });

  test('not an object, and objects without resolvers, are refused', () => {
    expect(() => EXAMPLE.read([1, 2], resolvers)).toThrow("argument 'config' must be an object");
    expect(() => EXAMPLE.read(valid)).toThrow("field 'kernelInitializer' holds an object");
  });

  test('resolver errors (an unknown activation) come through', () => {
    expect(() =>
      EXAMPLE.read({ ...valid, activation: { className: 'nope', config: {} } }, resolvers),
    ).toThrow("unknown activation 'nope'");
  });
});
