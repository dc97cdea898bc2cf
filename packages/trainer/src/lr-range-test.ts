/**
 * The learning-rate range test (Smith 2017, "Cyclical learning rates for training neural networks", §3.3;
 * in the exponential form fastai made common): train for a few steps while the learning rate grows
 * geometrically from tiny to huge, smooth the batch losses with a debiased moving average, and read off
 * the rate where the loss falls fastest. The model is trained with `fit` (the same step, loss, penalties
 * and augmentation as a real run) and put back exactly as it was afterwards.
 */
import { clone, dispose, type Optimizer, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertPositiveInteger,
  GradwellArgumentError,
  type Layer,
  type RandomState,
} from '@gradwell/core';
import type { Dataset } from './data/dataset';
import type { LearningRateSchedule } from './schedules';
import { checkData, stepsPerEpochOf } from './training/batches';
import { fit } from './training/fit';
import { FIT_OPTION_KEYS } from './training/fit-options';
import type { FitOptions, Trainable } from './training/fit-types';
import { modelPartsOf } from './training/model-parts';

export interface LearningRateRangeOptions extends Omit<
  FitOptions,
  'epochs' | 'learningRate' | 'resume' | 'validation' | 'diagnostics' | 'optimizer'
> {
  /** An optimiser name or spec (the test makes its own and discards it); default 'adam'. */
  optimizer?: FitOptions['optimizer'];
  /** The sweep's first and last learning rates (defaults 1e-7 and 10). */
  minLearningRate?: number;
  maxLearningRate?: number;
  /** Steps of the sweep (default 100): updates, each of `accumulate` batches with gradient accumulation. */
  steps?: number;
  /** β of the loss's exponential moving average (default 0.98). */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of its minimum (default 4). */
  divergenceFactor?: number;
}

export interface LearningRatePoint {
  learningRate: number;
  /** The batch's loss at that rate. */
  loss: number;
  /** The debiased moving average of the losses so far. */
  smoothedLoss: number;
}

export interface LearningRateRangeResult {
  points: LearningRatePoint[];
  /** The rate where the smoothed loss falls fastest (steepest descent against log η): the one to train with. */
  suggested: number;
  /** Where the smoothed loss was lowest (a tenth of it is the other common rule). */
  minimum: { learningRate: number; smoothedLoss: number };
  /** Whether the sweep stopped early because the loss blew up. */
  diverged: boolean;
}

interface RandomStateful {
  getRandomState(): RandomState;
  setRandomState(state: RandomState): void;
}

function isRandomStateful(layer: Layer): layer is Layer & RandomStateful {
  return typeof (layer as Partial<RandomStateful>).getRandomState === 'function';
}

/** The geometric sweep: η_i = η_min·(η_max/η_min)^(i/(steps−1)). */
export function rangeTestRate(i: number, min: number, max: number, steps: number): number {
  return min * (max / min) ** (i / Math.max(steps - 1, 1));
}

/**
 * The index of steepest descent of `smoothed` against log η, among the points before the minimum (the
 * first tenth skipped: the average is still settling there); the minimum's index when there is no descent.
 */
export function steepestDescent(points: readonly LearningRatePoint[]): number {
  let lowest = 0;
  points.forEach((p, i) => {
    if (p.smoothedLoss < (points[lowest] as LearningRatePoint).smoothedLoss) lowest = i;
  });
  const skip = Math.max(1, Math.floor(points.length / 10));
  let best = lowest;
  let steepest = 0;
  for (let i = skip; i < lowest && i + 1 < points.length; i++) {
    const before = points[i - 1] as LearningRatePoint;
    const after = points[i + 1] as LearningRatePoint;
    const slope =
      (after.smoothedLoss - before.smoothedLoss) /
      (Math.log(after.learningRate) - Math.log(before.learningRate));
    if (slope < steepest) {
      steepest = slope;
      best = i;
    }
  }
  return best;
}

// fit's options the test sets itself, and the sweep's own (the compiler checks that each belongs)
const NOT_FIT_OPTIONS: readonly string[] = [
  'epochs',
  'learningRate',
  'resume',
  'validation',
  'diagnostics',
] satisfies ReadonlyArray<Exclude<keyof FitOptions, keyof LearningRateRangeOptions>>;
const SWEEP_KEYS = [
  'minLearningRate',
  'maxLearningRate',
  'steps',
  'smoothing',
  'divergenceFactor',
] as const satisfies ReadonlyArray<Exclude<keyof LearningRateRangeOptions, keyof FitOptions>>;

function checkOptions(
  options: LearningRateRangeOptions,
): Required<
  Pick<
    LearningRateRangeOptions,
    'minLearningRate' | 'maxLearningRate' | 'steps' | 'smoothing' | 'divergenceFactor'
  >
> {
  assertKnownOptions('learningRateRangeTest', options, [
    ...FIT_OPTION_KEYS.filter((key) => !NOT_FIT_OPTIONS.includes(key)),
    ...SWEEP_KEYS,
  ]);
  const o = {
    minLearningRate: options.minLearningRate ?? 1e-7,
    maxLearningRate: options.maxLearningRate ?? 10,
    steps: options.steps ?? 100,
    smoothing: options.smoothing ?? 0.98,
    divergenceFactor: options.divergenceFactor ?? 4,
  };
  const fn = 'learningRateRangeTest';
  assertInRange(fn, 'minLearningRate', o.minLearningRate, { min: 0, minInclusive: false });
  assertInRange(fn, 'maxLearningRate', o.maxLearningRate, { min: o.minLearningRate, minInclusive: false });
  assertPositiveInteger(fn, 'steps', o.steps);
  if (o.steps < 5) throw new GradwellArgumentError(fn, 'steps', 'at least 5 steps', o.steps);
  assertInRange(fn, 'smoothing', o.smoothing, { min: 0, max: 1, maxInclusive: false });
  assertInRange(fn, 'divergenceFactor', o.divergenceFactor, { min: 1, minInclusive: false });
  if (options.accumulate !== undefined) assertPositiveInteger(fn, 'accumulate', options.accumulate);
  const optimizer = options.optimizer;
  if (
    optimizer !== undefined &&
    typeof optimizer === 'object' &&
    'applyGradients' in (optimizer as Optimizer)
  )
    throw new GradwellArgumentError(
      fn,
      'optimizer',
      'an optimiser name or spec (the test makes its own optimiser and discards it)',
      'an optimizer object',
    );
  return o;
}

/** The options the test passes on to `fit`: all but the sweep's own. */
function fitOptionsOf(options: LearningRateRangeOptions): Partial<FitOptions> {
  return Object.fromEntries(
    Object.entries(options).filter(([key]) => !(SWEEP_KEYS as readonly string[]).includes(key)),
  );
}

/**
 * Runs the learning-rate range test on `model` and `data`, then restores the model's weights (and the
 * random state of its dropout layers) bit-exactly. Options are `fit`'s (batch size, loss, penalties,
 * augmentation, seed…) plus the sweep's.
 */
export async function learningRateRangeTest(
  model: Trainable,
  data: Dataset,
  options: LearningRateRangeOptions = {},
): Promise<LearningRateRangeResult> {
  const o = checkOptions(options);
  const parts = modelPartsOf(model);
  checkData(parts.base, data, 'data', 'learningRateRangeTest');
  if (!parts.base.built) parts.base.build(data.inputShape);
  const saved = parts.all.map((w) => clone(w.variable));
  const stateful = parts.layers.filter(isRandomStateful);
  const states = stateful.map((layer) => layer.getRandomState());
  const schedule: LearningRateSchedule = {
    name: 'learningRateRange',
    rate: (step) => rangeTestRate(step, o.minLearningRate, o.maxLearningRate, o.steps),
    getConfig: () => ({ min: o.minLearningRate, max: o.maxLearningRate, steps: o.steps }),
  };
  const points: LearningRatePoint[] = [];
  let average = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let diverged = false;
  // One point per update: with gradient accumulation, the example-weighted mean loss of its batches.
  const accumulate = options.accumulate ?? 1;
  const group = { lossSum: 0, size: 0, batches: 0, learningRate: 0, last: 0 };
  const record = (context: { requestStop(reason: string): void }) => {
    const i = points.length;
    // a lone batch's loss as it came (not rounded through loss × size ÷ size)
    const loss = group.batches === 1 ? group.last : group.lossSum / group.size;
    const learningRate = group.learningRate;
    Object.assign(group, { lossSum: 0, size: 0, batches: 0 });
    average = o.smoothing * average + (1 - o.smoothing) * loss;
    const smoothedLoss = average / (1 - o.smoothing ** (i + 1));
    points.push({ learningRate, loss, smoothedLoss });
    lowest = Math.min(lowest, smoothedLoss);
    if (!Number.isFinite(smoothedLoss) || smoothedLoss > o.divergenceFactor * lowest) {
      diverged = true;
      context.requestStop('the loss diverged');
    } else if (points.length >= o.steps) context.requestStop('sweep complete');
  };
  const updatesPerEpoch = Math.ceil(stepsPerEpochOf(data, options.batchSize ?? 32) / accumulate);
  try {
    await fit(model, data, {
      ...fitOptionsOf(options),
      optimizer: options.optimizer ?? 'adam',
      epochs: Math.ceil(o.steps / updatesPerEpoch),
      learningRate: schedule,
      nanGuard: false,
      diagnostics: false,
      callbacks: [
        ...(options.callbacks ?? []),
        {
          onBatchEnd(_batch, logs, context) {
            const loss = logs.loss ?? Number.NaN;
            const size = logs.size ?? 1;
            group.last = loss;
            group.lossSum += loss * size;
            group.size += size;
            group.batches++;
            group.learningRate = logs.learningRate ?? schedule.rate(points.length, 1);
            if (group.batches === accumulate) record(context);
          },
          // an epoch's short last group
          onEpochEnd(_epoch, _logs, context) {
            if (group.batches > 0) record(context);
          },
        },
      ],
    });
  } finally {
    parts.all.forEach((w, i) => w.variable.assign(saved[i] as Tensor));
    dispose(saved);
    stateful.forEach((layer, i) => layer.setRandomState(states[i] as RandomState));
  }
  const finite = points.filter((p) => Number.isFinite(p.smoothedLoss));
  const at = steepestDescent(finite);
  const minimum = finite.reduce(
    (a, b) => (b.smoothedLoss < a.smoothedLoss ? b : a),
    finite[0] ?? { learningRate: o.minLearningRate, smoothedLoss: Number.NaN, loss: Number.NaN },
  );
  return {
    points,
    suggested: finite[at]?.learningRate ?? o.minLearningRate,
    minimum: { learningRate: minimum.learningRate, smoothedLoss: minimum.smoothedLoss },
    diverged,
  };
}
