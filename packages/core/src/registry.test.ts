import { describe, expect, test } from 'vitest';
import {
  assertKnownOptions,
  assertRequiredOptions,
  createRegistry,
  editDistance,
  findNearestName,
  optionKeys,
} from './registry';
import { GradwellArgumentError } from './validation';

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
  // a name cut short: the shortest candidate it begins, from three letters on
  expect(findNearestName('vanish', ['exploding', 'vanishing'])).toBe('vanishing');
  expect(findNearestName('Leaky', ['relu', 'leakyReluSix', 'leakyRelu'])).toBe('leakyRelu');
  expect(findNearestName('xy', ['xylophone'])).toBeUndefined();
  // a name of three letters or fewer gets one edit: two would leave too little of it
  expect(findNearestName('he', ['eye', 'heNormal', 'heUniform'])).toBeUndefined();
  expect(findNearestName('bce', ['mse', 'binaryCrossEntropy'])).toBeUndefined();
  expect(findNearestName('mse2', ['mse'])).toBe('mse');
  expect(findNearestName('sdg', ['sgd', 'adam'])).toBe('sgd');
  expect(findNearestName('adm', ['sgd', 'adam'])).toBe('adam');
});

test("a registry's kind is plural in its messages", () => {
  const losses = createRegistry<number>('loss');
  losses.register('mse', 1);
  expect(() => losses.get('hinge')).toThrow("Unknown loss 'hinge'. Known losses: mse.");
  expect(() => createRegistry<number>('augmentation step').get('x')).toThrow(/Known augmentation steps: \./);
});

test('assertRequiredOptions: left out, or values in its place, names the object and its keys', () => {
  const known = ['initial', 'totalSteps'];
  const expected = "cosineDecay: argument 'options' must be an object of options { initial, totalSteps }";
  expect(() => assertRequiredOptions('cosineDecay', undefined, known)).toThrow(`${expected}, got undefined`);
  expect(() => assertRequiredOptions('cosineDecay', 0.1, known)).toThrow(`${expected}, got 0.1`);
  expect(() => assertRequiredOptions('cosineDecay', { initial: 1, steps: 2 }, known)).toThrow(
    "cosineDecay: unknown option 'steps'",
  );
  expect(() => assertRequiredOptions('cosineDecay', { initial: 1, totalSteps: 2 }, known)).not.toThrow();
  // optional options may be left out; a value in their place is named the same way
  expect(() => assertKnownOptions('predict', undefined, ['batchSize'])).not.toThrow();
  expect(() => assertKnownOptions('predict', 32, ['batchSize'])).toThrow(
    "predict: argument 'options' must be an object of options { batchSize }, got 32",
  );
  expect(() => assertKnownOptions('flatten', 'x', [])).toThrow(
    'flatten: argument \'options\' must be an object of options, got "x"',
  );
});

describe('assertKnownOptions', () => {
  test('known keys and no options pass', () => {
    expect(() => assertKnownOptions('dense', Object.create(null) as object, ['units'])).not.toThrow();
    expect(() => assertKnownOptions('dense', { units: 3, name: 'd' }, ['units', 'name'])).not.toThrow();
    expect(() => assertKnownOptions('dense', {}, ['units'])).not.toThrow();
    expect(() => assertKnownOptions('dense', undefined, ['units'])).not.toThrow();
  });

  test('an unknown key names it, the nearest known key and all of them', () => {
    const call = () => assertKnownOptions('dense', { units: 3, activaton: 'relu' }, ['units', 'activation']);
    expect(call).toThrow(GradwellArgumentError);
    expect(call).toThrow(
      "dense: unknown option 'activaton' (did you mean 'activation'?); its options are units, activation.",
    );
    expect(() => assertKnownOptions('uniform', { minval: 1 }, ['min', 'max'])).toThrow(
      "uniform: unknown option 'minval'; its options are min, max.",
    );
    expect(() => assertKnownOptions('uniform', { maxval: 1 }, ['min', 'max'], { maxval: 'max' })).toThrow(
      "uniform: unknown option 'maxval' (did you mean 'max'?); its options are min, max.",
    );
    expect(() => assertKnownOptions('zeros', { gain: 2 }, [])).toThrow(
      "zeros: unknown option 'gain'; it takes no options.",
    );
  });

  test('options that are not an object are an error', () => {
    for (const bad of [null, 3, 'relu', [1], new Map(), new (class Options {})()])
      expect(() => assertKnownOptions('dense', bad, ['units'])).toThrow(
        /dense: argument 'options' must be an object of options/,
      );
  });
  test('a nested options object is named in its errors, and an unknown key in it by its path', () => {
    const known = ['vanishing', 'exploding'];
    const call = () => assertKnownOptions('fit', { vanish: 1 }, known, {}, 'diagnostics.thresholds');
    expect(call).toThrow(
      "fit: unknown option 'vanish' in 'diagnostics.thresholds' (did you mean 'vanishing'?); " +
        "'diagnostics.thresholds' takes vanishing, exploding.",
    );
    expect(call).toThrow(expect.objectContaining({ argument: 'diagnostics.thresholds.vanish', received: 1 }));
    expect(() => assertKnownOptions('fit', 0.1, known, {}, 'diagnostics.thresholds')).toThrow(
      "fit: argument 'diagnostics.thresholds' must be an object of options { vanishing, exploding }, got 0.1",
    );
  });
});

describe('optionKeys', () => {
  interface Options {
    units: number;
    activation?: string;
  }
  test("lists an options type's keys; the compiler refuses a missing or a foreign key", () => {
    expect(optionKeys<Options>({ units: 1, activation: 1 })).toEqual(['units', 'activation']);
    // @ts-expect-error -- 'activation' left out
    optionKeys<Options>({ units: 1 });
    // @ts-expect-error -- 'activaton' is not a key of Options
    optionKeys<Options>({ units: 1, activation: 1, activaton: 1 });
  });
});
