/**
 * The training lab: the full recipe (architecture, initialiser, activation, batch norm, dropout, label
 * smoothing, augmentation, optimiser) trained on MNIST in the training worker — the page keeps drawing at
 * full frame rate — with start, pause, stop; every run kept and overlaid (named by its recipe, removable);
 * each run's epoch 0 (the validation loss and the diagnostics of the network as initialised, before a step);
 * the per-layer diagnostics after every epoch with their advice; where the trained network goes wrong
 * (the validation confusion matrix) and how far its confidence can be trusted; a pad to draw a digit on for it to read; the trained model downloaded
 * in the TensorFlow.js layers format.
 */
import { io } from '@tensorflow/tfjs-core';
import { listActivations } from '@gradwell/activations';
import { listInitializers } from '@gradwell/init';
import { OPTIMIZER_NAMES, type OptimizerName } from '@gradwell/trainer';
import { RunBoard } from '../runs';
import { calibrationPanel } from './calibration-panel';
import { confusionPanel } from './confusion-panel';
import { diagnosticsPanel } from './diagnostics-panel';
import { digitPad } from './digit-pad';
import { checkbox, checkedInteger, checkedNumber, range, section, select, setStatus } from '../state';
import { trainingWorker, trainInWorker } from '../worker/client';
import { AVERAGING_CHOICES, type Recipe } from '../worker/protocol';

const PAIRED = 'paired with the activation';

/** "BN", "BN (precise)", "BN (mean-only)", "BN (mean-only, precise)" or nothing. */
function batchNormName(r: Recipe): string {
  if (r.batchNorm === false) return '';
  const notes = [r.batchNorm === 'mean-only' ? 'mean-only' : '', r.preciseBn ? 'precise' : ''].filter(
    Boolean,
  );
  return notes.length === 0 ? 'BN' : `BN (${notes.join(', ')})`;
}
/** A short name for a run from its recipe: "cnn · relu · He · BN · dropout 0.2 · adam 0.001". */
function recipeName(r: Recipe): string {
  return [
    r.architecture,
    r.activation,
    r.init ?? 'paired init',
    batchNormName(r),
    r.weightNorm ? 'WN' : '',
    r.dropout > 0 ? `dropout ${r.dropout}` : '',
    r.labelSmoothing > 0 ? `smoothing ${r.labelSmoothing}` : '',
    r.augment ? 'erasing' : '',
    r.averaging === 'none' ? '' : `averaged (${r.averaging})`,
    `${r.optimizer} ${r.learningRate}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function mountLab(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    `<h2>Training lab</h2>
     <p class="lead">Build a recipe, train on MNIST — in a worker thread on the threaded SIMD wasm backend, so this page stays smooth —
     and watch the gradient status of every layer after each epoch. Runs stay on the charts to compare; remove them with ×.</p>`,
  );
  const controls = section(root, 'controls');
  const architecture = select(controls, 'architecture', 'architecture', ['mlp', 'cnn'], 'mlp');
  const activation = select(
    controls,
    'activation',
    'lab-activation',
    listActivations().filter((a) => !['softmax', 'logSoftmax'].includes(a)),
    'relu',
  );
  // identity (square kernels only) fits none of the lab's kernels: 784×256, 256×128, 3×3 convolutions
  const initializers = listInitializers().filter((name) => name !== 'identity');
  const init = select(controls, 'initialiser', 'lab-init', [PAIRED, ...initializers], PAIRED);
  const bn = checkbox(controls, 'batch norm', 'lab-bn');
  // PreciseBN: re-estimate the statistics after training (only a network with batch norm has them)
  const precise = checkbox(controls, 'precise BN statistics', 'lab-precise-bn');
  // Mean-only batch norm (Salimans & Kingma): the batch mean subtracted, no division — weight norm's partner
  const meanOnly = checkbox(controls, 'mean-only BN', 'lab-bn-mean-only');
  precise.disabled = meanOnly.disabled = true;
  bn.addEventListener('change', () => (precise.disabled = meanOnly.disabled = !bn.checked));
  const wn = checkbox(controls, 'weight norm', 'lab-wn');
  const dropout = range(controls, 'dropout', 'lab-dropout', 0, 0.7, 0.05, 0.2);
  const smoothing = range(controls, 'label smoothing ε', 'lab-smoothing', 0, 0.3, 0.05, 0);
  const augment = checkbox(controls, 'random erasing', 'lab-augment');
  const averaging = select(controls, 'weight averaging', 'lab-averaging', [...AVERAGING_CHOICES], 'none');
  const optimizer = select(controls, 'optimiser', 'lab-optimizer', [...OPTIMIZER_NAMES], 'adam');
  const lr = checkedNumber(controls, 'learning rate', 'lab-lr', 0.001, { min: 1e-6, max: 10, width: 6 });
  const epochs = checkedInteger(controls, 'epochs', 'lab-epochs', 3, [1, 50]);
  const examples = checkedInteger(controls, 'training digits', 'lab-examples', 12000, [100, 12000]);
  const buttons = section(root, 'controls buttons');
  const make = (id: string, text: string) => {
    const b = document.createElement('button');
    b.id = id;
    b.textContent = text;
    buttons.append(b);
    return b;
  };
  const start = make('lab-start', 'start');
  const pause = make('lab-pause', 'pause');
  const stop = make('lab-stop', 'stop');
  const download = make('lab-download', 'download model');
  pause.disabled = stop.disabled = download.disabled = true;
  const status = section(root, 'status');
  status.id = 'lab-status';
  status.setAttribute('aria-live', 'polite');
  const board = new RunBoard(root, 'lab');
  const showDiagnostics = diagnosticsPanel(root, 'lab');
  const confusion = confusionPanel(root, 'lab-confusion');
  const trust = calibrationPanel(root, 'lab-calibration');
  const pad = digitPad(root, (pixels) => trainingWorker().api.classify(pixels));
  let training = false;
  let diagnosedEpochs = 0;

  function validate(): Recipe | undefined {
    const values = { lr: lr.read(), epochs: epochs.read(), examples: examples.read() };
    const ok = Object.values(values).every((v) => v !== undefined);
    start.disabled = training || !ok;
    setStatus({
      invalid: Object.entries(values)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k),
    });
    if (!ok) return undefined;
    return {
      architecture: architecture.value as 'mlp' | 'cnn',
      hidden: [256, 128],
      activation: activation.value,
      init: init.value === PAIRED ? undefined : init.value,
      batchNorm: bn.checked && meanOnly.checked ? 'mean-only' : bn.checked,
      preciseBn: bn.checked && precise.checked,
      weightNorm: wn.checked,
      dropout: Number(dropout.value),
      labelSmoothing: Number(smoothing.value),
      augment: augment.checked,
      averaging: averaging.value as Recipe['averaging'],
      optimizer: optimizer.value as OptimizerName,
      learningRate: values.lr as number,
      epochs: values.epochs as number,
      batchSize: 64,
      trainExamples: values.examples as number,
      validationExamples: 2000,
      seed: 1,
      diagnostics: true,
    };
  }

  async function run(): Promise<void> {
    const recipe = validate();
    if (recipe === undefined) return;
    training = true;
    start.disabled = true;
    pause.disabled = stop.disabled = false;
    pause.textContent = 'pause';
    download.disabled = true;
    diagnosedEpochs = 0;
    showDiagnostics(undefined);
    confusion.clear();
    trust.clear();
    status.textContent = 'starting the worker and loading MNIST…';
    const handle = board.begin(recipeName(recipe));
    setStatus({
      page: 'lab',
      ready: true,
      trained: false,
      training: true,
      runs: board.runs.length,
      diagnosedEpochs: 0,
      progress: undefined,
      error: undefined,
      confusion: undefined,
      calibration: undefined,
    });
    try {
      const outcome = await trainInWorker(recipe, {
        started: (info) => {
          status.textContent = `training ${info.totalParams.toLocaleString()} parameters on ${info.trainExamples} digits…`;
        },
        initial: ({ valLoss, valAccuracy, report }) => {
          handle.initial(valLoss, valAccuracy);
          status.textContent = `at initialisation: validation loss ${valLoss.toFixed(3)} (ln 10 = 2.303 when the outputs start out uniform), accuracy ${(valAccuracy * 100).toFixed(1)}%; training…`;
          if (report !== undefined) showDiagnostics(report, 'at initialisation (no step taken)');
          setStatus({
            initialValLoss: valLoss,
            initialValAccuracy: valAccuracy,
            initialDiagnosed: report !== undefined,
          });
        },
        progress: (x, loss) => {
          handle.progress(x, loss);
          window.gradwell.status.progress = x;
        },
        epoch: (epoch, logs) => {
          handle.epoch(epoch, logs);
          status.textContent = `epoch ${epoch + 1}: loss ${(logs.loss ?? 0).toFixed(4)}, validation accuracy ${((logs.valAccuracy ?? 0) * 100).toFixed(2)}%, ${Math.round(logs.examplesPerSecond ?? 0)} digits/s`;
        },
        diagnostics: (report) => {
          diagnosedEpochs++;
          showDiagnostics(report, `after epoch ${report.epoch + 1}`);
          setStatus({
            diagnosedEpochs,
            warnings: report.warnings,
            flags: report.layers.flatMap((l) => l.flags),
          });
        },
      });
      const averaged =
        outcome.averagedSteps === undefined
          ? ''
          : ` of the weights averaged over ${outcome.averagedSteps} steps`;
      const before = outcome.beforePreciseBn;
      const reestimated =
        before === undefined
          ? ''
          : ` with the batch-norm statistics re-estimated (${(before.valAccuracy * 100).toFixed(2)}% with those of training)`;
      const summary = `validation accuracy ${(outcome.valAccuracy * 100).toFixed(2)}%${averaged}${reestimated} in ${outcome.seconds.toFixed(1)} s, ${Math.round(outcome.examplesPerSecond)} digits/s${outcome.stopReason ? ` (${outcome.stopReason})` : ''}`;
      handle.finish(summary);
      confusion.show(outcome.confusion);
      trust.show(outcome.calibration, recipe.labelSmoothing);
      status.textContent = `done: ${summary}`;
      setStatus({
        page: 'lab',
        ready: true,
        trained: true,
        training: false,
        valAccuracy: outcome.valAccuracy,
        valLoss: outcome.valLoss,
        seconds: outcome.seconds,
        examplesPerSecond: outcome.examplesPerSecond,
        averagedSteps: outcome.averagedSteps,
        beforePreciseBn: outcome.beforePreciseBn,
        epochs: outcome.history.length,
        runs: board.runs.length,
        confusion: outcome.confusion,
        calibration: outcome.calibration,
      });
      download.disabled = false;
      pad.enable();
    } catch (error) {
      handle.finish(`failed: ${(error as Error).message}`);
      status.textContent = `training failed: ${(error as Error).message}`;
      setStatus({
        page: 'lab',
        ready: true,
        trained: false,
        training: false,
        error: (error as Error).message,
      });
    } finally {
      training = false;
      pause.disabled = stop.disabled = true;
      validate();
    }
  }

  const { api } = trainingWorker();
  start.addEventListener('click', () => void run());
  pause.addEventListener('click', () => {
    const resuming = pause.textContent === 'resume';
    void (resuming ? api.resume() : api.pause());
    pause.textContent = resuming ? 'pause' : 'resume';
    status.textContent = resuming ? 'training…' : 'paused';
    setStatus({ paused: !resuming });
  });
  stop.addEventListener('click', () => void api.stop());
  download.addEventListener('click', () => {
    void (async () => {
      const artifacts = await api.exportModel();
      if (artifacts === undefined) return;
      // What `downloads://` does: gradwell-mnist.json + gradwell-mnist.weights.bin (tf.loadLayersModel reads them).
      const [handler] = io.getSaveHandlers('downloads://gradwell-mnist');
      if (handler?.save !== undefined) await handler.save(artifacts);
      setStatus({ downloaded: ['gradwell-mnist.json', 'gradwell-mnist.weights.bin'] });
    })();
  });
  for (const field of [lr, epochs, examples]) field.input.addEventListener('input', () => void validate());
  validate();
  showDiagnostics(undefined);
  setStatus({ page: 'lab', ready: true, trained: false, runs: 0 });
  return () => {
    if (training) void api.stop();
    board.destroy();
  };
}
