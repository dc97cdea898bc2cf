/** Every layer kind gradwell writes and reads in the tfjs-layers/Keras format, in one explicit list. */
import { ModelFileError } from '../model-file-error';
import type { LayerFormat } from '../layer-format';
import { ACTIVATION_FORMAT, PRELU_FORMAT, SRELU_FORMAT } from './activation-layers';
import {
  CONV2D_FORMAT,
  DENSE_FORMAT,
  DEPTHWISE_CONV2D_FORMAT,
  DROP_CONNECT_FORMAT,
  MAXOUT_FORMAT,
} from './affine';
import { DROPOUT_FORMAT } from './dropout';
import { WEIGHT_NORM_CONV2D_FORMAT, WEIGHT_NORM_DENSE_FORMAT } from './weight-norm';
import {
  BATCH_NORMALIZATION_FORMAT,
  BATCH_RENORM_FORMAT,
  GROUP_NORMALIZATION_FORMAT,
  LAYER_NORMALIZATION_FORMAT,
  MEAN_ONLY_BATCH_NORM_FORMAT,
} from './normalization';
import {
  AVERAGE_POOLING_FORMAT,
  FLATTEN_FORMAT,
  GLOBAL_AVERAGE_POOLING_FORMAT,
  MAX_POOLING_FORMAT,
} from './reshaping';

export const LAYER_FORMATS: readonly LayerFormat[] = [
  DENSE_FORMAT,
  CONV2D_FORMAT,
  DEPTHWISE_CONV2D_FORMAT,
  DROP_CONNECT_FORMAT,
  MAXOUT_FORMAT,
  MAX_POOLING_FORMAT,
  AVERAGE_POOLING_FORMAT,
  GLOBAL_AVERAGE_POOLING_FORMAT,
  FLATTEN_FORMAT,
  ACTIVATION_FORMAT,
  PRELU_FORMAT,
  SRELU_FORMAT,
  DROPOUT_FORMAT,
  BATCH_NORMALIZATION_FORMAT,
  LAYER_NORMALIZATION_FORMAT,
  GROUP_NORMALIZATION_FORMAT,
  BATCH_RENORM_FORMAT,
  MEAN_ONLY_BATCH_NORM_FORMAT,
  WEIGHT_NORM_DENSE_FORMAT,
  WEIGHT_NORM_CONV2D_FORMAT,
];

/** The format that writes a gradwell layer class. */
export function formatForLayer(className: string, name: string): LayerFormat {
  const format = LAYER_FORMATS.find((f) => f.gradwell.includes(className));
  if (format === undefined)
    throw new ModelFileError(
      'unknown-class',
      `layer '${name}' (${className}) has no tfjs-layers form; known gradwell layers: ${LAYER_FORMATS.flatMap((f) => f.gradwell).join(', ')}.`,
    );
  return format;
}

/** The format that reads a tfjs-layers/Keras class. */
export function formatForClass(className: string, name: string): LayerFormat {
  const format = LAYER_FORMATS.find((f) => f.layers.includes(className));
  if (format === undefined)
    throw new ModelFileError(
      'unknown-class',
      `layer '${name}' has class_name '${className}', which gradwell cannot read; it reads ${LAYER_FORMATS.flatMap((f) => f.layers).join(', ')} (and InputLayer).`,
    );
  return format;
}
