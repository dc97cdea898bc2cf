/**
 * gradwell's initialisers as Keras/tfjs-layers initialisers and back. A scheme Keras has by name is
 * written by that name (`GlorotUniform`, `HeNormal`, `Orthogonal`); one with a gain or slope, or one of
 * the lecture's own (`fanIn`, `glorotStandard`, `glorotSigmoidUniform`), as the `VarianceScaling` it is.
 * Keras's and tfjs-layers' "normal" variance scaling is truncated at 2σ; gradwell's `heNormal`,
 * `glorotNormal` and `lecunNormal` draw untruncated normals (as the papers do), so those three keep
 * their names but draw slightly differently when another framework re-initialises them.
 */
import type { Initializer } from '@gradwell/core';
import { getInitializer } from '@gradwell/init';
import { ModelFileError } from './model-file-error';

/** An initialiser as tfjs-layers writes it in JavaScript spelling: `{ className, config }`. */
export interface LayersInitializer {
  className: string;
  config: Record<string, unknown>;
}

const scaling = (scale: number, mode: string, distribution: string): LayersInitializer => ({
  className: 'VarianceScaling',
  config: { scale, mode, distribution, seed: null },
});

/** The tfjs-layers (Keras) form of a gradwell initialiser. */
export function initializerToLayers(initializer: Initializer): LayersInitializer {
  const config = initializer.getConfig() as Record<string, number | string | undefined>;
  const named = (className: string, extra: Record<string, unknown> = {}): LayersInitializer => ({
    className,
    config: { ...extra, seed: null },
  });
  const slope = Number(config.negativeSlope ?? 0);
  const heMode = config.mode ?? 'fanIn';
  switch (initializer.className) {
    case 'zeros':
      return { className: 'Zeros', config: {} };
    case 'ones':
      return { className: 'Ones', config: {} };
    case 'constant':
      return { className: 'Constant', config: { value: config.value } };
    case 'uniform':
      return named('RandomUniform', { minval: config.min, maxval: config.max });
    case 'normal':
      return named('RandomNormal', { mean: config.mean, stddev: config.std });
    case 'truncatedNormal':
      return named('TruncatedNormal', { mean: config.mean, stddev: config.std });
    case 'orthogonal':
      return named('Orthogonal', { gain: config.gain });
    case 'identity':
      return { className: 'Identity', config: { gain: config.gain } };
    case 'glorotUniform':
    case 'glorotNormal': {
      const gain = Number(config.gain ?? 1);
      const distribution = initializer.className === 'glorotUniform' ? 'uniform' : 'normal';
      if (gain === 1)
        return named(initializer.className === 'glorotUniform' ? 'GlorotUniform' : 'GlorotNormal');
      return scaling(gain * gain, 'fanAvg', distribution);
    }
    case 'heNormal':
    case 'heUniform': {
      const distribution = initializer.className === 'heNormal' ? 'normal' : 'uniform';
      if (slope === 0 && heMode === 'fanIn')
        return named(initializer.className === 'heNormal' ? 'HeNormal' : 'HeUniform');
      return scaling(2 / (1 + slope * slope), String(heMode), distribution);
    }
    case 'lecunNormal':
      return named('LeCunNormal');
    case 'lecunUniform':
      return named('LeCunUniform');
    case 'glorotSigmoidUniform':
      return scaling(16, 'fanAvg', 'uniform');
    case 'glorotStandard':
      return scaling(1 / 3, 'fanIn', 'uniform');
    case 'fanIn':
      return scaling(
        1,
        'fanIn',
        config.distribution === 'truncatedNormal' ? 'normal' : String(config.distribution),
      );
    case 'varianceScaling':
      return scaling(
        Number(config.scale),
        String(config.mode),
        config.distribution === 'truncatedNormal' ? 'normal' : String(config.distribution),
      );
    default:
      throw new ModelFileError(
        'unknown-class',
        `the initialiser '${initializer.className}' has no tfjs-layers/Keras form; give the layer a standard one (glorotUniform, heNormal, …).`,
      );
  }
}

type Reader = (config: Record<string, unknown>) => Initializer;

const FROM_LAYERS: Record<string, Reader> = {
  Zeros: () => getInitializer('zeros'),
  Ones: () => getInitializer('ones'),
  Constant: (c) => getInitializer('constant', { value: c.value ?? 0 }),
  RandomUniform: (c) => getInitializer('uniform', { min: c.minval ?? -0.05, max: c.maxval ?? 0.05 }),
  RandomNormal: (c) => getInitializer('normal', { mean: c.mean ?? 0, std: c.stddev ?? 0.05 }),
  TruncatedNormal: (c) => getInitializer('truncatedNormal', { mean: c.mean ?? 0, std: c.stddev ?? 0.05 }),
  Orthogonal: (c) => getInitializer('orthogonal', { gain: c.gain ?? 1 }),
  Identity: (c) => getInitializer('identity', { gain: c.gain ?? 1 }),
  GlorotUniform: () => getInitializer('glorotUniform'),
  GlorotNormal: () => getInitializer('glorotNormal'),
  HeNormal: () => getInitializer('heNormal'),
  HeUniform: () => getInitializer('heUniform'),
  LeCunNormal: () => getInitializer('lecunNormal'),
  LeCunUniform: () => getInitializer('lecunUniform'),
  VarianceScaling: (c) =>
    getInitializer('varianceScaling', {
      scale: c.scale ?? 1,
      mode: c.mode ?? 'fanIn',
      // Keras's and tfjs-layers' 'normal' is the truncated normal; 'untruncated_normal' the plain one.
      distribution:
        c.distribution === 'uniform'
          ? 'uniform'
          : c.distribution === 'untruncatedNormal'
            ? 'normal'
            : 'truncatedNormal',
    }),
};

/** A gradwell initialiser from a tfjs-layers/Keras one (JavaScript spelling). */
export function initializerFromLayers(value: unknown, where: string): Initializer {
  const given = value as { className?: unknown; config?: unknown } | null;
  const className = typeof given?.className === 'string' ? given.className : undefined;
  // Keras also writes `zeros`, `glorot_uniform`… as plain strings (camelCase here).
  const name =
    className ?? (typeof value === 'string' ? value.charAt(0).toUpperCase() + value.slice(1) : undefined);
  const alias = name === 'LecunNormal' ? 'LeCunNormal' : name === 'LecunUniform' ? 'LeCunUniform' : name;
  const reader = alias === undefined ? undefined : FROM_LAYERS[alias];
  if (reader === undefined)
    throw new ModelFileError(
      'unknown-class',
      `${where}: unknown initialiser ${JSON.stringify(value)}; known: ${Object.keys(FROM_LAYERS).join(', ')}.`,
    );
  return reader((given?.config ?? {}) as Record<string, unknown>);
}
