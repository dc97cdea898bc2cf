/** The built-in activations, in one explicit list (the registry is filled from it, never by import side effects). */
import type { ActivationPlugin } from '../define-activation';
import { celu } from './celu';
import { elu } from './elu';
import { gelu } from './gelu';
import { hardSigmoid } from './hard-sigmoid';
import { hardSwish } from './hard-swish';
import { leakyRelu } from './leaky-relu';
import { linear } from './linear';
import { mish } from './mish';
import { relu } from './relu';
import { relu6 } from './relu6';
import { selu } from './selu';
import { sigmoid } from './sigmoid';
import { logSoftmax, softmax } from './softmax';
import { softplus } from './softplus';
import { softsign } from './softsign';
import { step } from './step';
import { swish } from './swish';
import { tanh } from './tanh';

export const BUILT_IN_ACTIVATIONS = [
  linear,
  step,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  elu,
  selu,
  celu,
  gelu,
  mish,
  swish,
  softplus,
  softsign,
  hardSigmoid,
  hardSwish,
  relu6,
  softmax,
  logSoftmax,
] as unknown as readonly ActivationPlugin[];

export {
  celu,
  elu,
  gelu,
  hardSigmoid,
  hardSwish,
  leakyRelu,
  linear,
  logSoftmax,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  softmax,
  softplus,
  softsign,
  step,
  swish,
  tanh,
};
