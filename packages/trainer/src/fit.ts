/**
 * The training loop: `fit` (seeded shuffling, per-batch augmentation, loss + penalties, gradient
 * clipping, learning-rate schedules, metrics, validation, callbacks, diagnostics, a NaN guard, exact
 * resume). Every step runs inside tfjs scopes; nothing leaks across epochs. `evaluate` and `predict` are
 * in evaluate.ts.
 */
import {
  add,
  clone,
  dispose,
  keep,
  mul,
  variableGrads,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertPositiveInteger,
  createRandom,
  GradwellArgumentError,
  runCallbacks,
  type Layer,
  type LayerWeight,
  type RandomSource,
  type RandomState,
  type Sequential,
  type TrainingLogs,
  type TrainingParams,
} from '@gradwell/core';
import { confidencePenalty as confidencePenaltyTerm, WithAuxiliaryHeads } from '@gradwell/regularizers';
import type { Dataset } from './data/dataset';
import {
  activationDiagnostics,
  completeDiagnostics,
  layerGradientNorms,
  layerUpdateRatios,
  locateNonFinite,
  TrainingDivergedError,
  type DiagnosticsReport,
} from './diagnostics';
import { getLoss, softmaxCrossEntropy, type Loss } from './losses';
import {
  clipByGlobalNorm,
  createOptimizer,
  disposeOptimizer,
  getLearningRate,
  getOptimizerState,
  setLearningRate,
  setOptimizerState,
} from './optimizers';
import { epochSeed, yieldToEventLoop } from './util';
import { checkData, correctCount, epochBatches, stepsPerEpochOf } from './batches';
import { evaluate } from './evaluate';

export { evaluate, predict, type EvaluateOptions } from './evaluate';
export type {
  Augmenter,
  DiagnosticsOptions,
  FitOptions,
  ResumeFrom,
  Trainable,
  TrainerCallbackContext,
  TrainingRun,
  TrainingState,
} from './fit-types';
import type {
  Augmenter,
  FitOptions,
  Trainable,
  TrainerCallbackContext,
  TrainingRun,
  TrainingState,
} from './fit-types';

interface Parts {
  base: Sequential;
  aux: WithAuxiliaryHeads | undefined;
  trainable: LayerWeight[];
  all: LayerWeight[];
}

function partsOf(model: Trainable): Parts {
  if (model instanceof WithAuxiliaryHeads) {
    const headWeights = model.heads.flatMap((h) => h.head.weights);
    return {
      base: model.model,
      aux: model,
      trainable: [...model.trainableWeights],
      all: [...model.model.weights, ...headWeights],
    };
  }
  return { base: model, aux: undefined, trainable: [...model.trainableWeights], all: [...model.weights] };
}

interface RandomStateful {
  getRandomState(): RandomState;
  setRandomState(state: RandomState): void;
}

function randomStateful(layer: Layer): layer is Layer & RandomStateful {
  const l = layer as Partial<RandomStateful>;
  return typeof l.getRandomState === 'function' && typeof l.setRandomState === 'function';
}

function layersOf(parts: Parts) {
  return [...parts.base.layers, ...(parts.aux?.heads.map((h) => h.head) ?? [])];
}

function resolveLoss(options: FitOptions): Loss {
  if (options.loss === undefined) return softmaxCrossEntropy({ labelSmoothing: options.labelSmoothing ?? 0 });
  if (options.labelSmoothing !== undefined)
    throw new Error(
      "fit: 'labelSmoothing' applies to the default loss; give it to softmaxCrossEntropy({ labelSmoothing }) instead.",
    );
  return typeof options.loss === 'string' ? getLoss(options.loss) : options.loss;
}

function validateOptions(options: FitOptions): void {
  if (options === null || typeof options !== 'object')
    throw new GradwellArgumentError('fit', 'options', 'an object with at least { epochs }', options);
  assertPositiveInteger('fit', 'epochs', options.epochs);
  if (options.batchSize !== undefined) assertPositiveInteger('fit', 'batchSize', options.batchSize);
  if (options.clipNorm !== undefined)
    assertInRange('fit', 'clipNorm', options.clipNorm, { min: 0, minInclusive: false });
  if (options.confidencePenalty !== undefined)
    assertInRange('fit', 'confidencePenalty', options.confidencePenalty, { min: 0 });
  if (options.yieldEveryMs !== undefined)
    assertInRange('fit', 'yieldEveryMs', options.yieldEveryMs, { min: 0 });
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new GradwellArgumentError('fit', 'seed', 'an integer', options.seed);
}

function applyAugment(augment: Augmenter, x: Tensor, random: RandomSource): Tensor {
  return typeof augment === 'function' ? augment(x, random) : augment.applyWith(x, random);
}

/**
 * Trains `model` on `data`. Returns the history and the optimiser (to keep training or save); throws
 * `TrainingDivergedError` (with the first layer at fault) if the loss turns NaN/Inf.
 */
export async function fit(model: Trainable, data: Dataset, options: FitOptions): Promise<TrainingRun> {
  validateOptions(options);
  const parts = partsOf(model);
  checkData(parts.base, data, 'data');
  if (options.validation !== undefined) checkData(parts.base, options.validation, 'validation');
  if (!parts.base.built) parts.base.build(data.inputShape);
  const loss = resolveLoss(options);
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  const yieldEveryMs = options.yieldEveryMs ?? 25;
  const nanGuard = options.nanGuard ?? true;
  const diagnostics =
    options.diagnostics === true ? {} : options.diagnostics === false ? undefined : options.diagnostics;
  const ownsOptimizer =
    options.optimizer === undefined ||
    typeof options.optimizer === 'string' ||
    !('applyGradients' in options.optimizer);
  const optimizer =
    options.optimizer === undefined
      ? createOptimizer('adam')
      : typeof options.optimizer === 'string' || !('applyGradients' in options.optimizer)
        ? createOptimizer(options.optimizer)
        : options.optimizer;
  const trainable = parts.trainable;
  if (trainable.length === 0)
    throw new Error('fit: the model has no trainable weights (every layer is frozen).');
  const kernels = trainable.filter((w) => w.variable.rank >= 2).map((w) => w.variable);
  const stepsPerEpoch = stepsPerEpochOf(data, batchSize);
  const params: TrainingParams = { epochs: options.epochs, stepsPerEpoch, batchSize };
  const stateful = layersOf(parts).filter(randomStateful);

  let step = 0;
  let firstEpoch = 0;
  const history: TrainingLogs[] = [];
  if (options.resume !== undefined) {
    const { state, optimizerState } = options.resume;
    if (state.seed !== seed)
      throw new GradwellArgumentError('fit', 'seed', `the seed of the resumed run (${state.seed})`, seed);
    step = state.step;
    firstEpoch = state.epoch;
    history.push(...state.history.map((h) => ({ ...h })));
    for (const layer of stateful) {
      const saved = state.layerRandomStates[layer.name];
      if (saved !== undefined) layer.setRandomState(saved);
    }
    if (optimizerState !== undefined) await setOptimizerState(optimizer, optimizerState, parts.all);
  }

  const snapshotState = (epoch: number): TrainingState => ({
    epoch,
    step,
    seed,
    history: history.map((h) => ({ ...h })),
    layerRandomStates: Object.fromEntries(stateful.map((l) => [l.name, l.getRandomState()])),
  });
  let nextEpoch = firstEpoch;
  let stopReason: string | undefined;
  const baseContext: { stopReason: string | undefined } = { stopReason: undefined };
  const context: TrainerCallbackContext = {
    params,
    model,
    requestStop(reason) {
      baseContext.stopReason ??= reason;
    },
    get stopRequested() {
      return baseContext.stopReason !== undefined;
    },
    get stopReason() {
      return baseContext.stopReason;
    },
    trainer: {
      optimizer,
      weights: parts.all,
      state: () => snapshotState(nextEpoch),
      optimizerState: () => getOptimizerState(optimizer, parts.all),
    },
  };
  const callbacks = options.callbacks ?? [];
  const reports: DiagnosticsReport[] = [];
  const probe =
    diagnostics !== undefined && data.kind === 'tensors'
      ? data.batch(Array.from({ length: Math.min(diagnostics.probeSize ?? 256, data.size) }, (_, i) => i))
      : undefined;
  const varList: Variable[] = trainable.map((w) => w.variable);

  const lossOf = (xb: Tensor, yb: Tensor, counts: { correct?: Tensor }): Scalar => {
    const training = { training: true };
    let total: Scalar;
    let main: Tensor;
    if (parts.aux !== undefined) {
      const outputs = parts.aux.applyWithAuxiliary(xb, training);
      main = outputs.main;
      total = outputs.auxiliary.reduce<Scalar>(
        (acc, a) => add(acc, mul(a.weight, loss(yb, a.output))),
        loss(yb, main),
      );
    } else {
      main = parts.base.apply(xb, training);
      total = loss(yb, main);
    }
    if (options.penalty !== undefined && kernels.length > 0)
      total = add(total, options.penalty.penalty(kernels));
    if (options.confidencePenalty !== undefined && options.confidencePenalty > 0)
      total = add(total, confidencePenaltyTerm(main, { beta: options.confidencePenalty }));
    if (loss.classification) counts.correct = keep(correctCount(yb, main));
    return total;
  };

  let lastYield = now();
  let probeLogsEpoch = -1;
  try {
    await runCallbacks(callbacks, 'onTrainBegin', context);
    for (let epoch = firstEpoch; epoch < options.epochs; epoch++) {
      nextEpoch = epoch;
      const started = now();
      const random = createRandom(epochSeed(seed, epoch));
      await runCallbacks(callbacks, 'onEpochBegin', epoch, context);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let batchIndex = 0;
      for await (const batch of epochBatches(data, epoch, batchSize, shuffle, random)) {
        await runCallbacks(callbacks, 'onBatchBegin', batchIndex, context);
        const n = batch.x.shape[0];
        if (options.learningRate !== undefined)
          setLearningRate(optimizer, options.learningRate.rate(step, stepsPerEpoch));
        const xb = options.augment === undefined ? batch.x : applyAugment(options.augment, batch.x, random);
        const counts: { correct?: Tensor } = {};
        // Diagnostics read a probe batch of the training set, which only in-memory datasets have.
        const dueDiagnostics =
          diagnostics !== undefined &&
          probe !== undefined &&
          (diagnostics.everySteps !== undefined
            ? (step + 1) % diagnostics.everySteps === 0
            : batchIndex === stepsPerEpoch - 1);
        let stepLoss: number;
        let before: Map<string, Tensor> | undefined;
        let norms: ReturnType<typeof layerGradientNorms> | undefined;
        try {
          const { value, grads } = variableGrads(() => lossOf(xb, batch.y, counts), varList);
          try {
            stepLoss = value.dataSync()[0] as number;
            if (nanGuard && !Number.isFinite(stepLoss)) {
              const report = locateNonFinite(parts.base, xb, { epoch, step, loss: stepLoss });
              throw new TrainingDivergedError(report, history);
            }
            let applied: Record<string, Tensor> = grads;
            if (options.clipNorm !== undefined) {
              const names = Object.keys(grads);
              const { clipped, globalNorm } = clipByGlobalNorm(
                names.map((k) => grads[k] as Tensor),
                options.clipNorm,
              );
              globalNorm.dispose();
              applied = Object.fromEntries(names.map((k, i) => [k, clipped[i] as Tensor]));
            }
            if (dueDiagnostics) {
              norms = layerGradientNorms(parts.base, applied);
              before = new Map(trainable.map((w) => [w.variable.name, clone(w.variable)]));
            }
            optimizer.applyGradients(applied);
            if (applied !== grads) dispose(Object.values(applied));
          } finally {
            value.dispose();
            dispose(Object.values(grads));
          }
        } finally {
          if (xb !== batch.x) xb.dispose();
          dispose([batch.x, batch.y]);
        }
        const correct = counts.correct === undefined ? undefined : (counts.correct.dataSync()[0] as number);
        counts.correct?.dispose();
        step++;
        lossSum += stepLoss * n;
        if (correct !== undefined) correctSum += correct;
        seen += n;
        if (before !== undefined && probe !== undefined) {
          const ratios = layerUpdateRatios(parts.base, before);
          dispose([...before.values()]);
          const layers = activationDiagnostics(parts.base, probe.x);
          const warnings = completeDiagnostics(layers, norms ?? [], ratios, diagnostics?.thresholds);
          reports.push({ epoch, step, layers, warnings });
          probeLogsEpoch = epoch;
        }
        const batchLogs: TrainingLogs = { loss: stepLoss, size: n, learningRate: getLearningRate(optimizer) };
        if (correct !== undefined) batchLogs.accuracy = correct / n;
        await runCallbacks(callbacks, 'onBatchEnd', batchIndex, batchLogs, context);
        batchIndex++;
        if (now() - lastYield >= yieldEveryMs) {
          await yieldToEventLoop();
          lastYield = now();
        }
        if (context.stopRequested) break;
      }
      const seconds = (now() - started) / 1000;
      const logs: TrainingLogs = { epoch, loss: lossSum / Math.max(seen, 1) };
      if (loss.classification) logs.accuracy = correctSum / Math.max(seen, 1);
      if (options.validation !== undefined) {
        const v = await evaluate(parts.base, options.validation, {
          batchSize: Math.max(batchSize, 256),
          loss,
        });
        logs.valLoss = v.loss;
        if (v.accuracy !== undefined) logs.valAccuracy = v.accuracy;
      }
      logs.learningRate = getLearningRate(optimizer);
      logs.seconds = seconds;
      logs.examplesPerSecond = seen / Math.max(seconds, 1e-9);
      if (probeLogsEpoch === epoch) {
        const report = reports[reports.length - 1];
        if (report !== undefined) logs.warnings = report.warnings.length;
      }
      history.push(logs);
      nextEpoch = epoch + 1;
      await runCallbacks(callbacks, 'onEpochEnd', epoch, logs, context);
      if (context.stopRequested) break;
    }
    stopReason = context.stopReason;
    await runCallbacks(callbacks, 'onTrainEnd', history[history.length - 1] ?? {}, context);
  } finally {
    if (probe !== undefined) dispose([probe.x, probe.y]);
    if (ownsOptimizer) disposeOptimizer(optimizer);
  }
  return { history, stopReason, diagnostics: reports, steps: step, epochs: nextEpoch };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
