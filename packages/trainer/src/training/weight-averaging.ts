/**
 * Weight averaging: an average of the weights over the steps of a run, kept beside the weights that
 * train — an exponential moving average (Polyak averaging as most runs use it) or the plain mean of every
 * step from an epoch on (Polyak–Ruppert; stochastic weight averaging when the learning rate stays up).
 * The averages sit where SGD's iterates only jitter around: at the bottom of the valley, not on its walls.
 *
 * The first averaged step sets the average to the weights; after the k-th (k = 1, 2, …) it becomes
 * a·d + w·(1 − d), computed as a + (w − a)(1 − d) so that a weight that does not move stays exact. The moving average takes d = min(β, (1 + k)/(10 + k)), TensorFlow's
 * `ExponentialMovingAverage` with `num_updates`: early on it follows about the last k/9 steps, so neither
 * the starting weights nor the first, poor steps weigh on it, and from about 9/(1 − β) steps on it decays
 * at β. 'mean' takes d = k/(k + 1), the plain mean. Every weight of the network is averaged, running
 * statistics (batch norm) included.
 *
 * `fit` puts the averages into the model at every epoch end — validation, callbacks and checkpoints see
 * them — and back out before the next epoch trains; when `fit` returns the model holds them.
 */
import {
  add,
  dispose,
  mul,
  scalar,
  sub,
  tidy,
  type NamedTensorMap,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertNonNegativeInteger,
  GradwellArgumentError,
  optionKeys,
  type LayerWeight,
} from '@gradwell/core';

export interface WeightAveragingOptions {
  /** β of the exponential moving average, in (0, 1), or 'mean' for the plain mean; default 0.999. */
  decay?: number | 'mean';
  /** The first epoch whose steps are averaged; default 0. */
  startEpoch?: number;
}

/** What a checkpoint of an averaging run holds beside the model (which holds the averages). */
export interface AveragingState {
  decay: number | 'mean';
  startEpoch: number;
  /** Steps averaged so far (0: none yet, and the model holds the training weights). */
  count: number;
  /** The weights training goes on from, by weight name (`dense_1/kernel`). */
  live: NamedTensorMap;
}

export interface WeightAverager {
  readonly decay: number | 'mean';
  readonly startEpoch: number;
  /** Steps averaged so far. */
  readonly count: number;
  /** Folds the weights after a step of `epoch` into the average (from `startEpoch` on). */
  update(epoch: number): void;
  /** Puts the averages into the model, keeping the training weights aside (nothing before a step is averaged). */
  swapIn(): void;
  /** Puts the training weights back. */
  swapOut(): void;
  /** The state a checkpoint needs; its tensors stay the averager's (valid until `swapOut`). */
  state(): AveragingState;
  /** Leaves the model as it is (the averages, once swapped in) and frees the rest. */
  release(): void;
  /** Puts the training weights back and frees the averages. */
  dispose(): void;
}

const OPTION_KEYS = optionKeys<WeightAveragingOptions>({ decay: 1, startEpoch: 1 });

/** `fit`'s `averaging` option checked and resolved (undefined: off). */
export function resolveAveraging(
  value: boolean | WeightAveragingOptions | undefined,
  epochs: number,
): Required<WeightAveragingOptions> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { decay: 0.999, startEpoch: 0 };
  const settings = checkAveragingOptions('fit', value, 'averaging');
  if (settings.startEpoch >= epochs)
    throw GradwellArgumentError.because(
      'fit',
      'averaging.startEpoch',
      `averaging.startEpoch must come before the run ends (epochs ${epochs} run as 0…${epochs - 1})`,
      settings.startEpoch,
    );
  return settings;
}

/** Averaging options checked, defaults filled in; `prefix` names where they sit (`averaging.decay`). */
function checkAveragingOptions(
  context: string,
  value: WeightAveragingOptions,
  prefix?: string,
): Required<WeightAveragingOptions> {
  const name = (field: string) => (prefix === undefined ? field : `${prefix}.${field}`);
  if (value === null || typeof value !== 'object')
    throw new GradwellArgumentError(
      context,
      prefix ?? 'options',
      `${prefix === undefined ? '' : 'true, false or '}{ decay, startEpoch } (decay in (0, 1) or 'mean')`,
      value,
    );
  assertKnownOptions(context, value, OPTION_KEYS, { beta: 'decay', start: 'startEpoch' }, prefix);
  const { decay = 0.999, startEpoch = 0 } = value;
  if (decay !== 'mean')
    assertInRange(context, name('decay'), decay, {
      min: 0,
      max: 1,
      minInclusive: false,
      maxInclusive: false,
    });
  assertNonNegativeInteger(context, name('startEpoch'), startEpoch);
  return { decay, startEpoch };
}

/**
 * An averager of `weights`. A resumed run passes the checkpoint's state: the model then holds its
 * averages (once a step was averaged), which become the averager's, and its training weights go back in.
 * The state's tensors are the caller's.
 */
export function createWeightAverager(
  weights: readonly LayerWeight[],
  options: WeightAveragingOptions = {},
  resumed?: AveragingState,
): WeightAverager {
  const given: unknown = weights;
  if (
    !Array.isArray(given) ||
    given.length === 0 ||
    given.some((w) => (w as Partial<LayerWeight> | null)?.variable === undefined)
  )
    throw new GradwellArgumentError(
      'createWeightAverager',
      'weights',
      "a non-empty list of a model's weights (model.weights)",
      weights,
    );
  const settings = checkAveragingOptions('createWeightAverager', options);
  if (resumed !== undefined) checkResumedAveraging(weights, settings, resumed);
  let count = resumed?.count ?? 0;
  let averages: Tensor[] | undefined = count > 0 ? weights.map((w) => w.variable.clone()) : undefined;
  if (resumed !== undefined) for (const w of weights) w.variable.assign(resumed.live[w.name] as Tensor);
  let aside: Tensor[] | undefined;
  const { decay } = settings;
  const decayAt = (k: number) => (decay === 'mean' ? k / (k + 1) : Math.min(decay, (1 + k) / (10 + k)));
  const averager: WeightAverager = {
    ...settings,
    get count() {
      return count;
    },
    update(epoch) {
      if (epoch < settings.startEpoch) return;
      if (aside !== undefined)
        throw new Error('weight averaging: a step ran while the averages were in the model.');
      const previous = averages; // undefined until the first averaged step, which copies the weights
      averages = tidy(() => {
        if (previous === undefined) return weights.map((w) => w.variable.clone());
        // a + (w − a)(1 − d): a weight that did not move (a frozen layer's) keeps its value bit for bit
        const take = scalar(1 - decayAt(count));
        return weights.map((w, i) => {
          const average = previous[i] as Tensor;
          return add(average, mul(sub(w.variable, average), take));
        });
      });
      dispose(previous);
      count++;
    },
    swapIn() {
      if (aside !== undefined || averages === undefined) return;
      const now = averages;
      aside = weights.map((w, i) => {
        const trained = w.variable.clone();
        w.variable.assign(now[i] as Tensor);
        return trained;
      });
    },
    swapOut() {
      if (aside === undefined) return;
      const trained = aside;
      weights.forEach((w, i) => w.variable.assign(trained[i] as Tensor));
      dispose(trained);
      aside = undefined;
    },
    state() {
      if (averages !== undefined && aside === undefined)
        throw new Error(
          'weight averaging: a checkpoint holds the averages in its model, and fit puts them there only at ' +
            'epoch ends and when training ends; take checkpoints there (onEpochEnd, onTrainEnd).',
        );
      const live = aside ?? weights.map((w) => w.variable);
      return {
        ...settings,
        count,
        live: Object.fromEntries(weights.map((w, i) => [w.name, live[i] as Tensor])),
      };
    },
    release() {
      dispose(aside);
      aside = undefined;
      dispose(averages);
      averages = undefined;
    },
    dispose() {
      averager.swapOut();
      dispose(averages);
      averages = undefined;
    },
  };
  return averager;
}

/** The resumed state must be of this averaging and hold every weight, shape for shape. */
export function checkResumedAveraging(
  weights: readonly LayerWeight[],
  settings: Required<WeightAveragingOptions>,
  resumed: AveragingState,
): void {
  for (const key of ['decay', 'startEpoch'] as const)
    if (resumed[key] !== settings[key])
      throw GradwellArgumentError.because(
        'fit',
        `averaging.${key}`,
        `'averaging.${key}' is ${JSON.stringify(settings[key])}, but the resumed run averaged with ` +
          `${key} ${JSON.stringify(resumed[key])}; resume with the same`,
        settings[key],
      );
  for (const w of weights) {
    const saved = resumed.live[w.name];
    if (saved === undefined || saved.shape.join(',') !== w.variable.shape.join(','))
      throw GradwellArgumentError.because(
        'fit',
        'resume.averaging',
        `the checkpoint's training weights must match the model's: '${w.name}' is [${w.variable.shape.join(', ')}] ` +
          `in the model and ${saved === undefined ? 'missing' : `[${saved.shape.join(', ')}]`} in the checkpoint`,
        Object.keys(resumed.live),
      );
  }
}
