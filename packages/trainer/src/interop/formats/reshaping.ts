/** Pooling and flattening layers (no weights) in the tfjs-layers/Keras format. */
import { AvgPool2d, Flatten, GlobalAveragePool, MaxPool2d } from '@gradwell/core';
import { pairOf, type LayerFormat, type LayerSpec } from '../layer-format';
import { ModelFileError } from '../model-file-error';

function channelsLast(input: LayerSpec): void {
  const format = input.config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channelsLast')
    throw new ModelFileError(
      'unknown-class',
      `layer '${input.name}' (${input.className}): data_format ${JSON.stringify(format)}; gradwell runs NHWC (channels_last) only.`,
    );
}

function pooling(gradwell: 'MaxPool2d' | 'AvgPool2d', keras: string): LayerFormat {
  const Pool = gradwell === 'MaxPool2d' ? MaxPool2d : AvgPool2d;
  return {
    gradwell: [gradwell],
    layers: [keras],
    write: (layer) => {
      const pool = layer as MaxPool2d;
      return {
        className: keras,
        config: {
          poolSize: pool.poolSize,
          padding: pool.padding,
          strides: pool.strides,
          dataFormat: 'channelsLast',
        },
        weights: [],
      };
    },
    create(spec) {
      channelsLast(spec);
      const poolSize = pairOf(spec.config.poolSize ?? 2);
      return new Pool({
        name: spec.name,
        poolSize,
        strides: pairOf(spec.config.strides ?? poolSize),
        padding: (spec.config.padding as 'valid' | 'same' | undefined) ?? 'valid',
      });
    },
    values: () => ({}),
  };
}

export const MAX_POOLING_FORMAT = pooling('MaxPool2d', 'MaxPooling2D');
export const AVERAGE_POOLING_FORMAT = pooling('AvgPool2d', 'AveragePooling2D');

export const GLOBAL_AVERAGE_POOLING_FORMAT: LayerFormat = {
  gradwell: ['GlobalAveragePool'],
  layers: ['GlobalAveragePooling2D'],
  write: () => ({ className: 'GlobalAveragePooling2D', config: { dataFormat: 'channelsLast' }, weights: [] }),
  create(spec) {
    channelsLast(spec);
    if (spec.config.keepdims === true)
      throw new ModelFileError(
        'unknown-class',
        `layer '${spec.name}' (GlobalAveragePooling2D): keepdims is not supported.`,
      );
    return new GlobalAveragePool({ name: spec.name });
  },
  values: () => ({}),
};

export const FLATTEN_FORMAT: LayerFormat = {
  gradwell: ['Flatten'],
  layers: ['Flatten'],
  write: () => ({ className: 'Flatten', config: { dataFormat: 'channelsLast' }, weights: [] }),
  create(spec) {
    channelsLast(spec);
    return new Flatten({ name: spec.name });
  },
  values: () => ({}),
};
