export { expectSameFloats, expectTensorsClose, expectNoLeakedTensors, type Tolerance } from './tensors';
export {
  expectGradientsMatchNumeric,
  findGradientMismatches,
  findVariableGradientMismatches,
  type GradientCheckOptions,
  type GradientMismatch,
} from './gradients';
export { describeOnBackends, ALL_BACKENDS } from './backends';
export { TRAINING_OP_TABLE, type TrainingOpRow } from './training-op-table';
export { awayFromZero, distinctValues, positiveValues, uniformValues } from './inputs';
export { seededFloats, type SeededFloatsOptions } from './heap-values';
export { encodeIdx } from './idx';
export { repositoryDocs } from './docs';
export { constantInitializer, testActivations } from './layer-doubles';
export { runCase, runSweep, sweepSeed, type SweepOptions } from './sweep';
export type {
  Arg,
  ChoiceArg,
  FixedArg,
  NameArg,
  NumberArg,
  OptionsArg,
  SweepTarget,
  TensorArg,
} from './sweep-types';
export {
  anyTensor,
  countField,
  integerField,
  keepsShape,
  optionsArg,
  optionsNamed,
  randomArg,
  throughLayer,
} from './sweep-helpers';
