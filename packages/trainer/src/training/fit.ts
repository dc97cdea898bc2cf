/**
 * The training loop. For each epoch, for each batch: forward, loss, backward, update (`trainStep`);
 * around it the schedule, diagnostics, callbacks and a turn for the event loop. The concerns live beside
 * it: options (fit-setup.ts), the step (train-step.ts), resume state (run-state.ts), the callback
 * context (callback-context.ts), the diagnostics probe (diagnostics-probe.ts), epoch logs (epoch-meter.ts).
 */
import { dispose } from '@tensorflow/tfjs-core';
import { createRandom, runCallbacks } from '@gradwell/core';
import type { Dataset } from '../data/dataset';
import { setLearningRate } from '../optimizers';
import { epochSeed, yieldToEventLoop } from '../util';
import { stepsPerEpochOf } from './batches';
import { createTrainerContext } from './callback-context';
import { createDiagnosticsProbe } from './diagnostics-probe';
import { createEpochMeter, now } from './epoch-meter';
import { setUpFit, type FitSetup } from './fit-setup';
import type { FitOptions, Trainable, TrainingRun } from './fit-types';
import { restoreRunState } from './run-state';
import { applyUpdate, trainStep, type StepResult } from './train-step';
import { createGradientAccumulator } from './gradient-accumulation';
import { createWeightAverager, type WeightAverager } from './weight-averaging';

/**
 * Trains `model` on `data`. Returns the history, the diagnostics reports and where the run stopped;
 * throws `TrainingDivergedError` (naming the first layer at fault) if the loss turns NaN/Inf.
 */
export async function fit(model: Trainable, data: Dataset, options: FitOptions): Promise<TrainingRun> {
  const setup = setUpFit(model, data, options);
  const { parts, optimizer, callbacks, batchSize } = setup;
  const stepsPerEpoch = stepsPerEpochOf(data, batchSize);
  // With accumulation, a step (what schedules, diagnostics and `run.steps` count) is an update of
  // `accumulate` batches; an epoch's last group may be shorter.
  const { accumulate } = setup;
  const updatesPerEpoch = Math.ceil(stepsPerEpoch / accumulate);
  const accumulator = accumulate > 1 ? createGradientAccumulator() : undefined;
  let averager: WeightAverager | undefined;
  try {
    const run = await restoreRunState(parts, optimizer, setup, options.resume);
    averager = startAveraging(setup, options);
    const probe = createDiagnosticsProbe(parts, data, setup.diagnostics);
    const params = { epochs: options.epochs, stepsPerEpoch, batchSize };
    const context = createTrainerContext(params, model, parts, optimizer, run, setup.diagnose, averager);
    const step = { ...setup.step, history: run.history };
    let lastYield = now();
    let partialEpoch: TrainingRun['partialEpoch'];
    try {
      await runCallbacks(callbacks, 'onTrainBegin', context);
      for (let epoch = run.epoch; epoch < options.epochs && !context.stopRequested; epoch++) {
        run.epoch = epoch;
        // A resumed run carries on inside the epoch it stopped in, from the next batch, exactly.
        const resumed = run.position;
        run.position = undefined;
        averager?.swapOut(); // the epoch trains the training weights, not the averages
        const random = createRandom(epochSeed(setup.seed, epoch));
        const meter = createEpochMeter(setup.step.accuracy !== undefined, resumed?.progress);
        await runCallbacks(callbacks, 'onEpochBegin', epoch, context);
        let batchIndex = resumed?.batch ?? 0;
        for await (const batch of setup.batches(epoch, random, batchIndex)) {
          if (resumed !== undefined && batchIndex === resumed.batch) random.setState(resumed.random);
          await runCallbacks(callbacks, 'onBatchBegin', batchIndex, context);
          if (setup.schedule !== undefined && (accumulator?.pending ?? 0) === 0)
            setLearningRate(optimizer, setup.schedule.rate(run.step, updatesPerEpoch));
          const update = (batchIndex + 1) % accumulate === 0 || batchIndex + 1 === stepsPerEpoch;
          const observe =
            update && (probe?.isDue(run.step, Math.floor(batchIndex / accumulate), updatesPerEpoch) ?? false);
          const x = setup.augment(batch, random);
          let result: StepResult;
          try {
            const place = { epoch, step: run.step, observe, update };
            result = trainStep(step, x, batch.y, place, accumulator);
          } finally {
            dispose(x === batch.x ? [x, batch.y] : [x, batch.x, batch.y]);
          }
          if (update) {
            run.step++;
            averager?.update(epoch);
          }
          if (result.observation !== undefined && probe !== undefined)
            meter.warnings = probe.record(epoch, run.step, result.observation).warnings.length;
          await runCallbacks(callbacks, 'onBatchEnd', batchIndex++, meter.add(result, optimizer), context);
          if (now() - lastYield >= setup.yieldEveryMs) {
            await yieldToEventLoop();
            lastYield = now();
          }
          // A stop inside a group of accumulated batches takes effect at the group's update.
          if (context.stopRequested && (accumulator?.pending ?? 0) === 0) {
            if (!(batchIndex >= stepsPerEpoch))
              run.position = {
                batch: batchIndex,
                random: random.getState(),
                progress: meter.progress(),
                batchSize,
                accumulate,
              };
            break;
          }
        }
        if (accumulator !== undefined && accumulator.pending > 0) {
          // A stream's last group (its length is not known ahead).
          applyUpdate(step, accumulator.take(), false);
          run.step++;
          averager?.update(epoch);
        }
        if (run.position !== undefined) {
          partialEpoch = { epoch, batches: batchIndex, stepsPerEpoch, logs: meter.partialLogs() };
          break;
        }
        averager?.swapIn(); // validation and the epoch's callbacks see the averages
        const logs = await meter.finish(epoch, optimizer, setup.validate);
        run.history.push(logs);
        run.epoch = epoch + 1;
        await runCallbacks(callbacks, 'onEpochEnd', epoch, logs, context);
      }
      averager?.swapIn();
      await runCallbacks(callbacks, 'onTrainEnd', run.history.at(-1) ?? {}, context);
    } finally {
      probe?.dispose();
    }
    const averagedSteps = averager?.count;
    averager?.release(); // the model keeps the averages
    return {
      history: run.history,
      ...(partialEpoch === undefined ? {} : { partialEpoch }),
      stopReason: context.stopReason,
      diagnostics: probe?.reports ?? [],
      steps: run.step,
      epochs: run.epoch,
      ...(averagedSteps === undefined ? {} : { averagedSteps }),
    };
  } finally {
    averager?.dispose(); // after a failure, the model holds the weights it trained
    accumulator?.dispose();
    setup.release();
  }
}

/** The run's weight averager (none without `averaging`); a resumed run's training weights go back in. */
function startAveraging(setup: FitSetup, options: FitOptions): WeightAverager | undefined {
  if (setup.averaging === undefined) return undefined;
  const resumed = options.resume?.averaging;
  const averager = createWeightAverager(setup.parts.base.weights, setup.averaging, resumed);
  if (resumed !== undefined) dispose(Object.values(resumed.live));
  return averager;
}
