/**
 * The training worker: gradwell's threaded SIMD wasm backend runs here, off the page's thread, so the page
 * keeps drawing at 60 fps while a CNN trains. It loads MNIST itself, trains a recipe with `fit` (reporting
 * the running loss, each epoch and each epoch's diagnostics), pauses and stops between batches, hands the
 * trained model over in the TensorFlow.js layers format, and runs the trainer's shared studies.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type TrainingCallback } from '@gradwell/core';
import { compose } from '@gradwell/augment';
import { earlyStopping } from '@gradwell/regularizers';
import { initializeWeightNorm } from '@gradwell/batchnorm';
import {
  batchNormExperiment,
  calibration,
  cnnPreset,
  depthExperiment,
  diagnoseModel,
  confusionMatrix,
  estimateBatchNormStatistics,
  evaluate,
  fit,
  inputScaleExperiment,
  mlpPreset,
  saveModel,
  subset,
  tensorDataset,
  type FitOptions,
  type Model,
  type TensorDataset,
} from '@gradwell/trainer';
import { loadMnist } from '../data';
import type { Recipe, RunEvents, TrainOutcome, WorkerApi } from './protocol';

let base = '';
let loaded: { train: TensorDataset; test: TensorDataset } | undefined;
let trained: Model | undefined;
const control = { paused: false, stopped: false };

/** Flat [n, 784] copies of the first `count` examples (the studies' MLPs take vectors). */
function flat(data: TensorDataset, count: number): TensorDataset {
  const part = subset(data, 0, Math.min(count, data.size));
  const x = tf.reshape(part.x, [part.size, 784]);
  const y = part.y.clone();
  part.dispose();
  return tensorDataset(x, y, { name: data.name, numClasses: data.numClasses });
}

async function mnist(): Promise<{ train: TensorDataset; test: TensorDataset }> {
  loaded = await loadMnist(base);
  return loaded;
}

function model(recipe: Recipe): Model {
  const shared = {
    activation: recipe.activation,
    init: recipe.init,
    batchNorm: recipe.batchNorm,
    weightNorm: recipe.weightNorm,
    dropout: recipe.dropout,
    seed: recipe.seed,
  };
  return recipe.architecture === 'cnn' ? cnnPreset(shared) : mlpPreset({ ...shared, hidden: recipe.hidden });
}

/** Weight norm's data-dependent start on the first 512 training digits (as the CLI's `--weight-norm`). */
function weightNormStart(net: Model, data: TensorDataset): void {
  const { x, y } = data.batch(Array.from({ length: Math.min(512, data.size) }, (_, i) => i));
  try {
    initializeWeightNorm(net, x);
  } finally {
    tf.dispose([x, y]);
  }
}

const api: WorkerApi = {
  async init(siteBase, threads) {
    base = siteBase;
    const report = await setupBackend({ wasmPaths: new URL('./wasm/', siteBase).href, threads });
    return { ...report, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  async train(recipe, events) {
    control.paused = false;
    control.stopped = false;
    trained?.dispose();
    trained = undefined;
    const { train, test } = await mnist();
    const trainSet = subset(train, 0, Math.min(recipe.trainExamples, train.size));
    const validation = subset(test, 0, Math.min(recipe.validationExamples, test.size));
    const net = model(recipe);
    if (recipe.weightNorm) weightNormStart(net, trainSet);
    const stepsPerEpoch = Math.ceil(trainSet.size / recipe.batchSize);
    const summary = net.summary();
    events.started({
      stepsPerEpoch,
      trainExamples: trainSet.size,
      validationExamples: validation.size,
      summary: summary.rows,
      totalParams: summary.totalParams,
    });
    let epoch = 0;
    let running = 0;
    let count = 0;
    let stepSeconds = 0;
    let stepExamples = 0;
    let batchStart = 0;
    const live: TrainingCallback = {
      onEpochBegin(e) {
        epoch = e;
      },
      onBatchBegin() {
        batchStart = performance.now();
      },
      async onBatchEnd(batch, logs, context) {
        stepSeconds += (performance.now() - batchStart) / 1000;
        stepExamples += logs.size ?? 0;
        running += logs.loss ?? 0;
        count++;
        if (count === 8 || batch === stepsPerEpoch - 1) {
          events.progress((epoch * stepsPerEpoch + batch + 1) / stepsPerEpoch, running / count);
          running = 0;
          count = 0;
        }
        if (control.stopped) context.requestStop('stopped in the page');
        while (control.paused && !control.stopped) await new Promise((resolve) => setTimeout(resolve, 30));
      },
      onEpochEnd(e, logs) {
        events.epoch(e, logs);
      },
    };
    const stopper =
      recipe.earlyStopping === undefined
        ? undefined
        : earlyStopping({ monitor: 'valLoss', patience: recipe.earlyStopping, restoreBestWeights: true });
    const started = performance.now();
    try {
      // Epoch 0: the network as initialised (the lecture's first check: the loss starts near ln 10). This also
      // runs the evaluation and diagnostics passes once before training, so V8 compiles their wasm now, not
      // at the first epoch's end while the page lays out that epoch's report.
      const initial = await evaluate(net, validation);
      events.initial({
        valLoss: initial.loss,
        valAccuracy: initial.accuracy ?? Number.NaN,
        ...(recipe.diagnostics ? { report: diagnoseModel(net, trainSet) } : {}),
      });
      const run = await fit(net, trainSet, {
        epochs: recipe.epochs,
        batchSize: recipe.batchSize,
        seed: recipe.seed,
        optimizer: { name: recipe.optimizer, learningRate: recipe.learningRate },
        ...(recipe.labelSmoothing > 0 ? { labelSmoothing: recipe.labelSmoothing } : {}),
        ...(recipe.augment
          ? { augment: compose([{ type: 'randomErasing', p: 0.5 }], { seed: recipe.seed }) }
          : {}),
        ...averagingOf(recipe),
        validation,
        diagnostics: recipe.diagnostics ? { onReport: (report) => events.diagnostics(report) } : false,
        callbacks: [live, ...(stopper === undefined ? [] : [stopper])],
        yieldEveryMs: 50,
      });
      const beforePreciseBn =
        recipe.preciseBn && recipe.batchNorm ? await preciseBatchNorm(net, trainSet, validation) : undefined;
      const final = await evaluate(net, validation);
      const { matrix: confusion } = await confusionMatrix(net, validation);
      const calibrated = await calibration(net, validation, { bins: 10 });
      const outcome: TrainOutcome = {
        history: run.history,
        stopReason: run.stopReason,
        valAccuracy: final.accuracy ?? 0,
        valLoss: final.loss,
        confusion,
        calibration: calibrated,
        seconds: (performance.now() - started) / 1000,
        examplesPerSecond: stepExamples / Math.max(stepSeconds, 1e-9),
        ...(run.averagedSteps === undefined ? {} : { averagedSteps: run.averagedSteps }),
        ...(beforePreciseBn === undefined ? {} : { beforePreciseBn }),
      };
      if (stopper !== undefined)
        outcome.earlyStopping = {
          bestEpoch: stopper.bestEpoch + 1,
          stoppedAfter: run.history.length,
          fired: stopper.stoppedEpoch >= 0,
        };
      // every event on the page before the outcome (see RunEvents)
      await (events as unknown as Comlink.Remote<RunEvents>).finished();
      trained = net;
      return outcome;
    } catch (error) {
      net.dispose();
      throw error;
    } finally {
      trainSet.dispose();
      validation.dispose();
    }
  },

  pause() {
    control.paused = true;
  },
  resume() {
    control.paused = false;
  },
  stop() {
    control.stopped = true;
    control.paused = false;
  },

  async exportModel() {
    if (trained === undefined) return undefined;
    let artifacts: tf.io.ModelArtifacts | undefined;
    await saveModel(
      trained,
      tf.io.withSaveHandler((given) => {
        artifacts = given;
        return Promise.resolve({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
        });
      }),
    );
    return artifacts;
  },

  classify(pixels) {
    const net = trained;
    if (net === undefined) return undefined;
    return tf.tidy(() =>
      Array.from(tf.softmax(net.apply(tf.tensor4d(pixels, [1, 28, 28, 1]), { training: false })).dataSync()),
    );
  },

  memory() {
    const kept = new Set<number>();
    if (loaded !== undefined) for (const d of [loaded.train, loaded.test]) kept.add(d.x.id).add(d.y.id);
    for (const w of trained?.weights ?? []) kept.add(w.variable.id);
    return { tensors: tf.memory().numTensors, kept: kept.size };
  },

  async batchNormStudy({ steps }) {
    const { train, test } = await mnist();
    const data = { train: flat(train, 6000), test: flat(test, 1000) };
    try {
      return await batchNormExperiment(data, { steps, recordEvery: Math.max(1, Math.floor(steps / 20)) });
    } finally {
      data.train.dispose();
      data.test.dispose();
    }
  },

  async depthStudy({ depth, epochs, trainExamples }) {
    const { train, test } = await mnist();
    const data = { train: flat(train, trainExamples), test: flat(test, 1000) };
    try {
      return await depthExperiment(data, { depth, epochs });
    } finally {
      data.train.dispose();
      data.test.dispose();
    }
  },

  async inputScaleStudy({ factors, epochs, trainExamples }) {
    const { train, test } = await mnist();
    const data = {
      train: subset(train, 0, Math.min(trainExamples, train.size)),
      test: subset(test, 0, 1000),
    };
    try {
      return await inputScaleExperiment(data, { factors, epochs, examples: 500 });
    } finally {
      data.train.dispose();
      data.test.dispose();
    }
  },
};

Comlink.expose(api);

/** PreciseBN: the validation figures with training's running statistics, then the statistics re-estimated. */
async function preciseBatchNorm(
  net: Model,
  trainSet: TensorDataset,
  validation: TensorDataset,
): Promise<NonNullable<TrainOutcome['beforePreciseBn']>> {
  const before = await evaluate(net, validation);
  await estimateBatchNormStatistics(net, trainSet);
  return { valAccuracy: before.accuracy ?? 0, valLoss: before.loss };
}

/** The recipe's weight averaging as `fit` takes it. */
function averagingOf(recipe: Recipe): Pick<FitOptions, 'averaging'> {
  if (recipe.averaging === 'moving average') return { averaging: { decay: 0.999 } };
  if (recipe.averaging === 'mean from epoch 2')
    return { averaging: { decay: 'mean', startEpoch: Math.min(1, recipe.epochs - 1) } };
  return {};
}
