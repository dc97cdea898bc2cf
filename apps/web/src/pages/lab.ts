/**
 * The training lab: the full recipe (architecture, initialiser, activation, batch norm, dropout, label
 * smoothing, augmentation, optimiser) on MNIST in the page; start, pause and stop; live curves; the
 * per-layer diagnostics with vanishing/exploding flags after each epoch; download the trained model.
 */
import { listActivations } from '@gradwell/activations';
import { listInitializers } from '@gradwell/init';
import { compose, type StepSpec } from '@gradwell/augment';
import {
  cnnPreset,
  saveModel,
  evaluate,
  mlpPreset,
  OPTIMIZER_NAMES,
  subset,
  type DiagnosticsReport,
  type Model,
  type OptimizerName,
} from '@gradwell/trainer';
import { loadMnist } from '../data';
import { checkbox, numberInput, range, section, select, setStatus } from '../state';
import { liveCharts, trainLive, type RunControl } from '../training';

export function mountLab(root: HTMLElement): () => void {
  root.insertAdjacentHTML(
    'beforeend',
    '<h2>Training lab</h2><p class="note">Build a recipe, train on MNIST in the page, and watch the gradient status of every layer.</p>',
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
  const init = select(
    controls,
    'initialiser',
    'lab-init',
    ['auto (paired)', ...listInitializers()],
    'auto (paired)',
  );
  const bn = checkbox(controls, 'batch norm', 'lab-bn');
  const dropout = range(controls, 'dropout', 'lab-dropout', 0, 0.7, 0.05, 0.2);
  const smoothing = range(controls, 'label smoothing', 'lab-smoothing', 0, 0.3, 0.05, 0);
  const augment = checkbox(controls, 'augment (random erasing)', 'lab-augment');
  const optimizer = select(controls, 'optimiser', 'lab-optimizer', [...OPTIMIZER_NAMES], 'adam');
  const lr = numberInput(controls, 'learning rate', 'lab-lr', 0.001, 6);
  const epochs = numberInput(controls, 'epochs', 'lab-epochs', 3, 3);
  const examples = numberInput(controls, 'training digits', 'lab-examples', 12000, 6);
  const buttons = section(root, 'controls');
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
  const charts = section(root, 'charts');
  const live = liveCharts(charts, 'lab');
  root.insertAdjacentHTML('beforeend', '<h3>Diagnostics (last epoch)</h3>');
  const table = document.createElement('table');
  table.className = 'diagnostics';
  table.id = 'lab-diagnostics';
  root.append(table);
  const control: RunControl = { paused: false, stopped: false };
  let trained: Model | undefined;

  function showDiagnostics(report: DiagnosticsReport | undefined): void {
    if (report === undefined) return;
    const fmt = (v: number | undefined, pct = false) =>
      v === undefined ? '—' : pct ? `${(v * 100).toFixed(1)}%` : v.toPrecision(3);
    table.innerHTML =
      '<tr><th>layer</th><th>act. mean</th><th>act. std</th><th>dead</th><th>saturated</th><th>‖grad‖</th><th>grad vs output</th><th>update/weight</th><th>flags</th></tr>' +
      report.layers
        .filter((l) => l.gradientNorm !== undefined || l.deadFraction !== undefined)
        .map(
          (l) =>
            `<tr><td>${l.layer}</td><td>${fmt(l.activationMean)}</td><td>${fmt(l.activationStd)}</td><td>${fmt(l.deadFraction, true)}</td><td>${fmt(l.saturationFraction, true)}</td><td>${fmt(l.gradientNorm)}</td><td>${fmt(l.relativeGradient)}</td><td>${fmt(l.updateRatio)}</td><td class="${l.flags.length ? 'flag' : ''}">${l.flags.join(' ') || 'ok'}</td></tr>`,
        )
        .join('');
  }

  async function run(): Promise<void> {
    start.disabled = true;
    pause.disabled = stop.disabled = false;
    download.disabled = true;
    control.paused = false;
    control.stopped = false;
    live.reset();
    trained?.dispose();
    status.textContent = 'loading MNIST…';
    const { train, test } = await loadMnist();
    const trainSet = subset(train, 0, Math.min(Number(examples.value), train.size));
    const recipe = {
      activation: activation.value,
      init: init.value.startsWith('auto') ? undefined : init.value,
      batchNorm: bn.checked,
      dropout: Number(dropout.value),
      seed: 1,
    };
    const model =
      architecture.value === 'cnn' ? cnnPreset(recipe) : mlpPreset({ ...recipe, hidden: [256, 128] });
    const steps: StepSpec[] = augment.checked ? [{ type: 'randomErasing', p: 0.5 }] : [];
    status.textContent = 'training…';
    const started = performance.now();
    try {
      const result = await trainLive(
        model,
        trainSet,
        {
          epochs: Number(epochs.value),
          batchSize: 64,
          optimizer: { name: optimizer.value as OptimizerName, learningRate: Number(lr.value) },
          labelSmoothing: Number(smoothing.value),
          validation: test,
          diagnostics: true,
          seed: 1,
          ...(steps.length ? { augment: compose(steps, { seed: 1 }) } : {}),
        },
        live,
        control,
        (epoch, logs) => {
          status.textContent = `epoch ${epoch + 1}: loss ${(logs.loss ?? 0).toFixed(4)}, validation accuracy ${((logs.valAccuracy ?? 0) * 100).toFixed(2)}%, ${Math.round(logs.examplesPerSecond ?? 0)} digits/s`;
        },
      );
      showDiagnostics(result.diagnostics.at(-1));
      const final = await evaluate(model, test);
      const seconds = (performance.now() - started) / 1000;
      status.textContent = `done in ${seconds.toFixed(1)} s: validation accuracy ${((final.accuracy ?? 0) * 100).toFixed(2)}%${result.stopReason ? ` (${result.stopReason})` : ''}`;
      setStatus({
        page: 'lab',
        ready: true,
        trained: true,
        valAccuracy: final.accuracy,
        seconds,
        epochs: result.history.length,
        warnings: result.diagnostics.at(-1)?.warnings ?? [],
        flags: result.diagnostics.at(-1)?.layers.flatMap((l) => l.flags) ?? [],
      });
      trained = model;
      download.disabled = false;
    } catch (error) {
      status.textContent = `training failed: ${(error as Error).message}`;
      setStatus({ page: 'lab', ready: true, trained: false, error: (error as Error).message });
      model.dispose();
    } finally {
      trainSet.dispose();
      start.disabled = false;
      pause.disabled = stop.disabled = true;
    }
  }

  start.addEventListener('click', () => void run());
  pause.addEventListener('click', () => {
    control.paused = !control.paused;
    pause.textContent = control.paused ? 'resume' : 'pause';
    status.textContent = control.paused ? 'paused' : 'training…';
  });
  stop.addEventListener('click', () => {
    control.stopped = true;
    control.paused = false;
  });
  download.addEventListener('click', () => {
    if (trained === undefined) return;
    // The TensorFlow.js layers format: gradwell-mnist.json + gradwell-mnist.weights.bin (tf.loadLayersModel).
    void saveModel(trained, 'downloads://gradwell-mnist').then(() =>
      setStatus({ downloaded: ['gradwell-mnist.json', 'gradwell-mnist.weights.bin'] }),
    );
  });
  setStatus({ page: 'lab', ready: true, trained: false });
  return () => {
    control.stopped = true;
    live.destroy();
    trained?.dispose();
  };
}
