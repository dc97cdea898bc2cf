import { describe, expect, test } from 'vitest';
import { initializerFor } from './gain';
import { getInitializer, initializerFromConfig, listInitializerAliases, listInitializers } from './registry';
import { uniform } from './basic';
import { glorotUniform, heNormal } from './variance-scaling';

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
      "normal: unknown option 'stddev' (did you mean 'std'?); its options are mean, std.",
    );
    expect(getInitializer('normal', { std: 0.1 }).getConfig()).toEqual({ mean: 0, std: 0.1 });
    // every factory called directly too (TypeScript refuses these; JavaScript passed them silently)
    const call = (factory: unknown, options: unknown) => () => (factory as (o: unknown) => unknown)(options);
    expect(call(uniform, { minval: -1, maxval: 1 })).toThrow(
      "uniform: unknown option 'minval' (did you mean 'min'?); its options are min, max.",
    );
    expect(call(heNormal, { a: 0.1 })).toThrow(
      "heNormal: unknown option 'a' (did you mean 'negativeSlope'?)",
    );
    expect(call(glorotUniform, { gian: 2 })).toThrow(
      "glorotUniform: unknown option 'gian' (did you mean 'gain'?)",
    );
    for (const name of listInitializers())
      expect(() => getInitializer(name, { notAnOption: 1 }), name).toThrow(
        new RegExp(`^${name}: unknown option 'notAnOption'; (its options are|it takes no options)`),
      );
  });
});

describe('initializerFor', () => {
  test("reads the activation's hint: Glorot with its gain, He or LeCun with its options", () => {
    expect(initializerFor({ gain: 5 / 3, recommendedInit: 'glorotUniform' }).getConfig()).toEqual({
      gain: 5 / 3,
    });
    expect(initializerFor({ gain: Math.SQRT2, recommendedInit: 'heNormal' }).className).toBe('heNormal');
    expect(initializerFor({ gain: 0.75, recommendedInit: 'lecunNormal' }).className).toBe('lecunNormal');
    expect(
      initializerFor({
        gain: 1.4,
        recommendedInit: 'heNormal',
        initOptions: { negativeSlope: 0.1 },
      }).getConfig(),
    ).toEqual({ mode: 'fanIn', negativeSlope: 0.1 });
  });

  test('an object without a hint is refused, naming the argument', () => {
    expect(() => initializerFor({ name: 'tanh' } as never)).toThrow(
      "initializerFor: argument 'activation' must be an activation with an initialisation hint",
    );
  });
});
