/**
 * A network that does not learn: the loss not falling, or accuracy stuck at chance, for a number of steps —
 * whatever the optimiser (Adam can hide what SGD's diagnostics show). When it happens the detector takes
 * the model's diagnostics and the weights' movement over the last window, and ranks the causes the lecture
 * names: the initialisation does not suit the activation (signal or gradient dying through the depth), the
 * learning rate (too small to move the weights, or so large the loss climbs), dead units.
 */
import {
  assertInRange,
  assertKnownOptions,
  optionKeys,
  assertPositiveInteger,
  GradwellArgumentError,
  type CallbackContext,
  type LayerWeight,
  type TrainingCallback,
  assertBoolean,
} from '@gradwell/core';
import type { DiagnosticsReport } from './diagnostics';
import type { TrainerCallbackContext } from './training/fit-types';
import {
  deadUnitsCause,
  describe,
  initializationCause,
  learningRateCause,
  movementByLayer,
  type LossWindow,
  type StallReport,
} from './stall-causes';

export interface StallDetectorOptions {
  /** Steps per window; the loss and accuracy are averaged per window (default 50). */
  windowSteps?: number;
  /** The loss must fall by this share of the first window's to count as learning (default 0.05). */
  minLossDrop?: number;
  /** Windows seen before a stall can be called (default 3: the first, and two to learn in). */
  minWindows?: number;
  /** Classes of the task: accuracy within `chanceFactor`/classes counts as chance level. */
  classes?: number;
  /** Default 1.5. */
  chanceFactor?: number;
  /** Called once, when the stall is seen. */
  onStall?: (report: StallReport) => void;
  /** Ask `fit` to stop when stalled (default false: report and go on). */
  stop?: boolean;
}

export interface StallDetector extends TrainingCallback {
  /** The stall seen in the last run, if any. */
  readonly report: StallReport | undefined;
}

const STALL_DETECTOR_KEYS = optionKeys<StallDetectorOptions>({
  windowSteps: 1,
  minLossDrop: 1,
  minWindows: 1,
  classes: 1,
  chanceFactor: 1,
  onStall: 1,
  stop: 1,
});

/**
 * Watches the batch losses (and accuracy) of a run in windows of `windowSteps`; from window `minWindows` on,
 * a loss that has not fallen by `minLossDrop` since the first window, or accuracy at chance level, is a
 * stall: reported once (`onStall`, `report`), with the likely causes ranked from the model's diagnostics at
 * the start and at the stall (`trainer.diagnose()`, no update) and how far the weights moved in the last
 * window.
 */
export function stallDetector(options: StallDetectorOptions = {}): StallDetector {
  assertKnownOptions('stallDetector', options, STALL_DETECTOR_KEYS);
  const windowSteps = options.windowSteps ?? 50;
  const minLossDrop = options.minLossDrop ?? 0.05;
  const minWindows = options.minWindows ?? 3;
  const chanceFactor = options.chanceFactor ?? 1.5;
  assertPositiveInteger('stallDetector', 'windowSteps', windowSteps);
  assertInRange('stallDetector', 'minLossDrop', minLossDrop, { min: 0, max: 1, maxInclusive: false });
  assertInRange('stallDetector', 'chanceFactor', chanceFactor, { min: 1 });
  assertPositiveInteger('stallDetector', 'minWindows', minWindows);
  if (minWindows < 2)
    throw new GradwellArgumentError(
      'stallDetector',
      'minWindows',
      'at least 2 (the first window is the reference)',
      minWindows,
    );
  if (options.classes !== undefined) assertPositiveInteger('stallDetector', 'classes', options.classes);
  if (options.stop !== undefined) assertBoolean('stallDetector', 'stop', options.stop);
  let report: StallReport | undefined;
  let windows: LossWindow[] = [];
  let current = { loss: 0, correct: 0, seen: 0, steps: 0, hasAccuracy: false };
  let epoch = 0;
  let atStart: DiagnosticsReport | undefined;
  let snapshot = new Map<string, Float32Array>();
  const trainableOf = (context: CallbackContext): LayerWeight[] => [
    ...(context.model as { trainableWeights: readonly LayerWeight[] }).trainableWeights,
  ];
  const takeSnapshot = (context: CallbackContext) => {
    snapshot = new Map(
      trainableOf(context).map((w) => [w.name, (w.variable.dataSync() as Float32Array).slice()]),
    );
  };
  return {
    get report() {
      return report;
    },
    onTrainBegin(context) {
      report = undefined;
      atStart = (context as Partial<TrainerCallbackContext>).trainer?.diagnose();
      windows = [];
      current = { loss: 0, correct: 0, seen: 0, steps: 0, hasAccuracy: false };
      takeSnapshot(context);
    },
    onEpochBegin(e) {
      epoch = e;
    },
    onBatchEnd(_batch, logs, context) {
      const n = logs.size ?? 1;
      current.loss += (logs.loss ?? Number.NaN) * n;
      if (logs.accuracy !== undefined) {
        current.correct += logs.accuracy * n;
        current.hasAccuracy = true;
      }
      current.seen += n;
      current.steps++;
      if (current.steps < windowSteps) return;
      const window: LossWindow = {
        loss: current.loss / current.seen,
        accuracy: current.hasAccuracy ? current.correct / current.seen : undefined,
      };
      windows.push(window);
      current = { loss: 0, correct: 0, seen: 0, steps: 0, hasAccuracy: false };
      const first = windows[0] as LossWindow;
      if (report === undefined && windows.length >= minWindows) {
        const reasons: string[] = [];
        if (!(window.loss <= (1 - minLossDrop) * first.loss)) reasons.push('loss not falling');
        const chance = options.classes === undefined ? undefined : 1 / options.classes;
        if (chance !== undefined && window.accuracy !== undefined && window.accuracy <= chanceFactor * chance)
          reasons.push('accuracy at chance level');
        if (reasons.length > 0) {
          const trainer = (context as Partial<TrainerCallbackContext>).trainer;
          const diagnostics = trainer?.diagnose();
          const movement = movementByLayer(trainableOf(context), snapshot);
          const causes = [
            initializationCause(atStart, diagnostics),
            learningRateCause(first, window, movement, windowSteps, diagnostics),
            deadUnitsCause(diagnostics),
          ].sort((a, b) => b.score - a.score);
          const found = {
            step: windows.length * windowSteps,
            epoch,
            reasons,
            firstLoss: first.loss,
            lastLoss: window.loss,
            ...(window.accuracy === undefined ? {} : { accuracy: window.accuracy }),
            ...(chance === undefined ? {} : { chance }),
            causes,
          };
          report = { ...found, message: describe(found) };
          options.onStall?.(report);
          if (options.stop === true) context.requestStop(`stalled: ${reasons.join(', ')}`);
        }
      }
      takeSnapshot(context);
    },
    onTrainEnd() {
      snapshot = new Map();
    },
  };
}
