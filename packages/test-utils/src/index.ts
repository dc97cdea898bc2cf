export { expectTensorsClose, expectNoLeakedTensors, type Tolerance } from './tensors';
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
export { encodeIdx } from './idx';
export {
  runCase,
  runSweep,
  sweepSeed,
  throughLayer,
  anyTensor,
  randomArg,
  keepsShape,
  countField,
  optionsArg,
  optionsNamed,
  integerField,
  type Arg,
  type ChoiceArg,
  type FixedArg,
  type NameArg,
  type NumberArg,
  type OptionsArg,
  type SweepOptions,
  type SweepTarget,
  type TensorArg,
} from './sweep';
