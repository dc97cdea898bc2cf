/**
 * `fit`'s options checked before anything is made: each named, its kind and range, and the objects
 * inside them — the diagnostics options and their thresholds, the callbacks, the augmenter, the weight
 * penalty, the schedule, the state to resume. JavaScript would let `{ shuffle: 'no' }` shuffle,
 * `{ nanGuard: 0 }` turn the guard off, a callback's `on_epoch_end` never run, `{ learningRate: 0.01 }`
 * fail at the first step and `{ thresholds: { vanish: 1e-3 } }` be ignored: each is an error.
 */
import {
  assertBoolean,
  assertInRange,
  assertKnownOptions,
  assertPositiveInteger,
  checkCallbacks,
  GradwellArgumentError,
  optionKeys,
} from '@gradwell/core';
import { checkDiagnosticThresholds } from '../diagnostic-thresholds';
import { OPTIMIZER_NAMES } from '../optimizers';
import { setsLearningRate } from '../plateau';
import { checkTrainingState } from '../training-state-check';
import type { DiagnosticsOptions, FitOptions } from './fit-types';
import { resolveAveraging } from './weight-averaging';

export const FIT_OPTION_KEYS = optionKeys<FitOptions>({
  epochs: 1,
  batchSize: 1,
  accumulate: 1,
  optimizer: 1,
  learningRate: 1,
  loss: 1,
  labelSmoothing: 1,
  penalty: 1,
  confidencePenalty: 1,
  clipNorm: 1,
  validation: 1,
  shuffle: 1,
  seed: 1,
  callbacks: 1,
  augment: 1,
  diagnostics: 1,
  nanGuard: 1,
  resume: 1,
  yieldEveryMs: 1,
  averaging: 1,
});

const DIAGNOSTICS_KEYS = optionKeys<DiagnosticsOptions>({
  everySteps: 1,
  probeSize: 1,
  thresholds: 1,
  onReport: 1,
});

function checkDiagnostics(diagnostics: FitOptions['diagnostics']): void {
  if (diagnostics === undefined || typeof diagnostics === 'boolean') return;
  if (diagnostics === null || typeof diagnostics !== 'object')
    throw new GradwellArgumentError('fit', 'diagnostics', 'true, false or an object of options', diagnostics);
  assertKnownOptions('fit', diagnostics, DIAGNOSTICS_KEYS, {}, 'diagnostics');
  if (diagnostics.everySteps !== undefined)
    assertPositiveInteger('fit', 'diagnostics.everySteps', diagnostics.everySteps);
  if (diagnostics.probeSize !== undefined)
    assertPositiveInteger('fit', 'diagnostics.probeSize', diagnostics.probeSize);
  checkDiagnosticThresholds('fit', diagnostics.thresholds, 'diagnostics.thresholds');
  if (diagnostics.onReport !== undefined && typeof diagnostics.onReport !== 'function')
    throw new GradwellArgumentError('fit', 'diagnostics.onReport', 'a function', diagnostics.onReport);
}

/** An object with the method `method`, which the loop will call on it. */
function hasMethod(value: unknown, method: string): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<string, unknown>)[method] === 'function'
  );
}

function checkObjects(options: FitOptions, averaging: ReturnType<typeof resolveAveraging>): void {
  const { augment, penalty, learningRate, resume } = options;
  if (learningRate !== undefined && !hasMethod(learningRate, 'rate'))
    throw new GradwellArgumentError(
      'fit',
      'learningRate',
      typeof learningRate === 'number'
        ? 'a schedule such as cosineDecay({ … }); a constant rate goes in the optimizer: ' +
            "optimizer: { name: 'adam', learningRate: 0.01 }"
        : 'a schedule such as cosineDecay({ … }) or stepDecay({ … })',
      learningRate,
    );
  if (resume !== undefined) {
    if (resume === null || typeof resume !== 'object')
      throw new GradwellArgumentError('fit', 'resume', 'a loaded checkpoint (loadCheckpoint)', resume);
    checkTrainingState(resume.state, "fit: 'resume.state'");
    const { optimizerState } = resume;
    if (optimizerState !== undefined && (optimizerState === null || typeof optimizerState !== 'object'))
      throw new GradwellArgumentError('fit', 'resume.optimizerState', 'an optimiser state', optimizerState);
    checkResumeAveraging(options, averaging);
  }
  if (augment !== undefined && typeof augment !== 'function' && !hasMethod(augment, 'applyWith'))
    throw new GradwellArgumentError(
      'fit',
      'augment',
      'an augment pipeline (compose([...])) or a function (images, random) => images',
      augment,
    );
  if (penalty !== undefined && !hasMethod(penalty, 'penalty'))
    throw new GradwellArgumentError(
      'fit',
      'penalty',
      'a weight penalty such as l2(1e-4) or l1l2({ … })',
      penalty,
    );
}

/** A run that averaged its weights resumes averaging them, and only such a run does. */
function checkResumeAveraging(options: FitOptions, averaging: ReturnType<typeof resolveAveraging>): void {
  const saved = options.resume?.averaging;
  if (saved !== undefined && (saved === null || typeof saved !== 'object' || typeof saved.live !== 'object'))
    throw new GradwellArgumentError('fit', 'resume.averaging', 'the averaging state of a checkpoint', saved);
  if (saved !== undefined && averaging === undefined)
    throw GradwellArgumentError.because(
      'fit',
      'averaging',
      `the resumed run averaged its weights (decay ${JSON.stringify(saved.decay)}, startEpoch ` +
        `${saved.startEpoch}): resume with the same 'averaging' (its checkpoint's model holds the averages)`,
      options.averaging,
    );
  if (saved === undefined && averaging !== undefined)
    throw GradwellArgumentError.because(
      'fit',
      'averaging',
      'the resumed run did not average its weights (its checkpoint holds no averaging state); resume without ' +
        "'averaging', or start a new run",
      options.averaging,
    );
}

/** Every option of `fit` checked; throws on the first that is wrong. */
export function checkFitOptions(options: FitOptions): void {
  if (options === null || typeof options !== 'object')
    throw new GradwellArgumentError('fit', 'options', 'an object with at least { epochs }', options);
  assertKnownOptions('fit', options, FIT_OPTION_KEYS, {
    batch_size: 'batchSize',
    gradientAccumulationSteps: 'accumulate',
    accumulateGradBatches: 'accumulate',
    gradient_accumulation_steps: 'accumulate',
    validationData: 'validation',
  });
  assertPositiveInteger('fit', 'epochs', options.epochs);
  if (options.batchSize !== undefined) assertPositiveInteger('fit', 'batchSize', options.batchSize);
  if (options.accumulate !== undefined) assertPositiveInteger('fit', 'accumulate', options.accumulate);
  if (options.clipNorm !== undefined)
    assertInRange('fit', 'clipNorm', options.clipNorm, { min: 0, minInclusive: false });
  if (options.confidencePenalty !== undefined)
    assertInRange('fit', 'confidencePenalty', options.confidencePenalty, { min: 0 });
  if (options.yieldEveryMs !== undefined)
    assertInRange('fit', 'yieldEveryMs', options.yieldEveryMs, { min: 0 });
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new GradwellArgumentError('fit', 'seed', 'an integer', options.seed);
  if (options.shuffle !== undefined) assertBoolean('fit', 'shuffle', options.shuffle);
  if (options.nanGuard !== undefined) assertBoolean('fit', 'nanGuard', options.nanGuard);
  const averaging = resolveAveraging(options.averaging, options.epochs);
  const optimizer = options.optimizer;
  if (
    optimizer !== undefined &&
    (typeof optimizer === 'string'
      ? !(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)
      : optimizer === null || typeof optimizer !== 'object')
  )
    throw new GradwellArgumentError(
      'fit',
      'optimizer',
      `one of ${OPTIMIZER_NAMES.join(', ')} (or a spec, or an optimizer)`,
      optimizer,
    );
  checkObjects(options, averaging);
  checkDiagnostics(options.diagnostics);
  checkCallbacks('fit', options.callbacks);
  const controller = options.callbacks?.findIndex(setsLearningRate) ?? -1;
  if (options.learningRate !== undefined && controller >= 0)
    throw GradwellArgumentError.because(
      'fit',
      'learningRate',
      `a 'learningRate' schedule and callbacks[${controller}] (reduceLearningRateOnPlateau) both set the ` +
        'learning rate; the schedule would undo every reduction at the next step. Give one of them.',
      options.learningRate,
    );
}
