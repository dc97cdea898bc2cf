import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { batchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer, earlyStopping } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadCheckpoint, indexedDbStore } from './browser-stores';
import { callback, checkpointCallback } from './callbacks';
import { cosineDecay } from './schedules';
import {
  checkpointLabel,
  decodeModel,
  disposeCheckpoint,
  encodeCheckpoint,
  encodeModel,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointStore,
  type LoadedCheckpoint,
} from './checkpoint';
import { memoryStore } from './memory-store';
import { spirals } from './data/synthetic';
import { fit } from './training/fit';
import { dense } from './layers';
import { model } from './model';
import { directoryStore } from './node/directory-store';

const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-checkpoint-'));

beforeAll(async () => {
  await setupBackend();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const makeModel = (seed = 1) =>
  model(
    [
      dense({ units: 16, activation: 'relu', name: 'h1' }),
      batchNormalization({ name: 'bn' }),
      dropoutLayer({ rate: 0.3, seed: 9, name: 'drop' }),
      dense({ units: 3, name: 'out' }),
    ],
    { inputShape: [2], seed },
  );

describe('model files', () => {
  test('config + weights round trip: same predictions, running statistics included, nothing leaked', async () => {
    const data = spirals({ pointsPerClass: 10 });
    const m = makeModel();
    await fit(m, data, { epochs: 1, batchSize: 10 });
    const inputs = data.x; // made on first use: create it before counting tensors
    await expectNoLeakedTensors(async () => {
      const copy = await decodeModel(await encodeModel(m));
      const a = m.apply(inputs);
      const b = copy.apply(inputs);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      const bnMean = (x: typeof m) =>
        Array.from(x.getLayer('bn').nonTrainableWeights[0]!.variable.dataSync());
      expect(bnMean(copy)).toEqual(bnMean(m));
      tf.dispose([a, b]);
      copy.dispose();
    });
    m.dispose();
    data.dispose();
  });

  test("weights.bin and its manifest read with tfjs-core's own io.decodeWeights", async () => {
    const m = makeModel();
    const files = await encodeModel(m);
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json'))) as {
      format: string;
      weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    const decoded = tf.io.decodeWeights(
      files.get('weights.bin')!.slice().buffer,
      json.weightsManifest[0]!.weights,
    );
    // Keras's names: <layer>/<param>, snake_case.
    expect(Object.keys(decoded)).toEqual([
      'h1/kernel',
      'h1/bias',
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
      'out/kernel',
      'out/bias',
    ]);
    expect(Array.from(decoded['h1/kernel']!.dataSync())).toEqual(
      Array.from(m.getLayer('h1').weights[0]!.variable.dataSync()),
    );
    tf.dispose(Object.values(decoded));
    m.dispose();
  });

  test('damaged files give clear errors, not a half-loaded model', async () => {
    const m = makeModel();
    const files = await encodeModel(m);
    const truncated = new Map(files);
    truncated.set('weights.bin', files.get('weights.bin')!.slice(0, 100));
    const before = tf.memory().numTensors;
    await expect(decodeModel(truncated)).rejects.toThrow(
      /weights.bin holds 100 bytes, model.json's weights manifest describes/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const noConfig = new Map(files);
    noConfig.delete('model.json');
    await expect(decodeModel(noConfig)).rejects.toThrow(/model.json.*missing/);
    const notJson = new Map(files);
    notJson.set('model.json', new TextEncoder().encode('{oops'));
    await expect(decodeModel(notJson)).rejects.toThrow(/is not a model.json/);
    m.dispose();
  });

  test("a checkpoint's content is checked before a file is written: keys, and the training state", async () => {
    const m = makeModel();
    const optimizer = tf.train.adam(1e-3);
    const store = memoryStore();
    await expect(saveCheckpoint(store, { model: m, optimiser: optimizer } as never)).rejects.toThrow(
      "saveCheckpoint: unknown option 'optimiser' in 'content' (did you mean 'optimizer'?); " +
        "'content' takes model, optimizer, state, metadata, averaging.",
    );
    const state = { epoch: -3, step: 0, seed: 0, history: [], layerRandomStates: {} };
    await expect(saveCheckpoint(store, { model: m, state })).rejects.toThrow(
      "saveCheckpoint: content.state: 'epoch' must be a non-negative integer, got -3.",
    );
    expect(await store.list()).toEqual([]);
    // the label of a state is checked the same way: never 'epoch-undefined' for an epoch number
    expect(checkpointLabel({ ...state, epoch: 3, history: [{}, {}, {}] })).toBe('epoch-0003');
    expect(() => checkpointLabel(-1 as never)).toThrow("checkpointLabel: 'state' must be an object, got -1.");
    optimizer.dispose();
    m.dispose();
  });
});

describe('resume', () => {
  const trainRun = async (
    store: CheckpointStore | undefined,
    epochs: number,
    resumeFrom?: Awaited<ReturnType<typeof loadCheckpoint>>,
    stopAtStep?: number,
  ) => {
    const data = spirals({ pointsPerClass: 20, seed: 4 });
    const m = resumeFrom?.model ?? makeModel(3);
    let steps = resumeFrom?.state.step ?? 0;
    const stopper = callback({
      onBatchEnd(_batch, _logs, context) {
        if (++steps === stopAtStep) context.requestStop('interrupted');
      },
    });
    const run = await fit(m, data, {
      epochs,
      batchSize: 8,
      seed: 21,
      optimizer: { name: 'adam', learningRate: 0.01 },
      learningRate: cosineDecay({ initial: 0.01, totalSteps: 40 }),
      augment: (x, random) => tf.add(x, random.normalTensor(x.shape, 0, 0.02)),
      callbacks: [stopper, ...(store === undefined ? [] : [checkpointCallback({ store })])],
      ...(resumeFrom === undefined ? {} : { resume: resumeFrom }),
    });
    data.dispose();
    return { run, m };
  };

  test('an interrupted run resumed from its checkpoint gives exactly the uninterrupted losses', async () => {
    const whole = await trainRun(undefined, 4);
    const store = directoryStore(path.join(scratch, 'resume'));
    const firstHalf = await trainRun(store, 2);
    firstHalf.m.dispose();
    expect(await store.list()).toEqual(['epoch-0001', 'epoch-0002']);
    const loaded = await loadCheckpoint(store);
    expect(loaded.label).toBe('epoch-0002');
    expect(loaded.state.epoch).toBe(2);
    const resumed = await trainRun(undefined, 4, loaded);
    if (loaded.optimizerState) Object.values(loaded.optimizerState.tensors).forEach((t) => t.dispose());
    expect(resumed.run.history.map((h) => h.loss)).toEqual(whole.run.history.map((h) => h.loss));
    expect(resumed.run.steps).toBe(whole.run.steps);
    const a = whole.m.apply(tf.ones([1, 2]));
    const b = resumed.m.apply(tf.ones([1, 2]));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    whole.m.dispose();
    resumed.m.dispose();
  });

  test.each([
    ['mid-epoch', 12, 'epoch-0001-batch-0004'],
    ['in the last epoch', 35, 'epoch-0004-batch-0003'],
  ])(
    'a run stopped %s resumes from the next batch: history and weights bit-identical to the uninterrupted run',
    async (_where, stopAtStep, label) => {
      // 60 examples in batches of 8: 8 steps an epoch, 5 epochs.
      const whole = await trainRun(undefined, 5);
      const store = directoryStore(path.join(scratch, `stopped-${stopAtStep}`));
      const stopped = await trainRun(store, 5, undefined, stopAtStep);
      stopped.m.dispose();
      const completed = Math.floor(stopAtStep / 8);
      expect(stopped.run.epochs).toBe(completed);
      expect(stopped.run.history).toHaveLength(completed);
      expect(stopped.run.partialEpoch).toMatchObject({
        epoch: completed,
        batches: stopAtStep % 8,
        stepsPerEpoch: 8,
      });
      expect(await store.latest()).toBe(label);
      const loaded = await loadCheckpoint(store);
      expect(loaded.state.position?.batch).toBe(stopAtStep % 8);
      const resumed = await trainRun(undefined, 5, loaded);
      if (loaded.optimizerState) Object.values(loaded.optimizerState.tensors).forEach((t) => t.dispose());
      const figures = (history: typeof whole.run.history) =>
        history.map(({ seconds: _s, examplesPerSecond: _e, ...rest }) => rest);
      expect(figures(resumed.run.history)).toEqual(figures(whole.run.history));
      expect(resumed.run.steps).toBe(whole.run.steps);
      for (const [i, w] of whole.m.weights.entries())
        expect(Array.from(resumed.m.weights[i]!.variable.dataSync())).toEqual(
          Array.from(w.variable.dataSync()),
        );
      whole.m.dispose();
      resumed.m.dispose();
    },
  );

  test("early stopping across a resume: the same stop and the best epoch's weights, read from its checkpoint", async () => {
    const data = spirals({ pointsPerClass: 20, seed: 4 });
    // A minDelta no epoch beats after the first: epoch 1 stays the best, patience runs out after epoch 4.
    const train = async (store: CheckpointStore, epochs: number, from?: LoadedCheckpoint) => {
      const m = from?.model ?? makeModel(3);
      const stopper = earlyStopping({
        monitor: 'loss',
        patience: 3,
        minDelta: 1e6,
        restoreBestWeights: true,
        weightsAt: async (epoch) => {
          const best = await loadCheckpoint(store, `epoch-${String(epoch + 1).padStart(4, '0')}`);
          const weights = new Map(best.model.weights.map((w) => [w.name, tf.clone(w.variable)] as const));
          disposeCheckpoint(best);
          return weights;
        },
      });
      const run = await fit(m, data, {
        epochs,
        batchSize: 8,
        seed: 21,
        optimizer: { name: 'adam', learningRate: 0.01 },
        callbacks: [stopper, checkpointCallback({ store })],
        ...(from === undefined ? {} : { resume: from }),
      });
      return { m, run };
    };
    const whole = await train(memoryStore(), 10);
    expect([whole.run.epochs, whole.run.stopReason]).toEqual([
      4,
      expect.stringMatching(/early stopping: 'loss' did not improve for 3 epochs \(best [\d.]+ at epoch 1\)/),
    ]);
    const store = memoryStore();
    (await train(store, 2)).m.dispose();
    const loaded = await loadCheckpoint(store);
    const resumed = await train(store, 10, loaded);
    if (loaded.optimizerState) tf.dispose(Object.values(loaded.optimizerState.tensors));
    expect([resumed.run.epochs, resumed.run.stopReason]).toEqual([whole.run.epochs, whole.run.stopReason]);
    for (const [i, w] of whole.m.weights.entries())
      expect(Array.from(resumed.m.weights[i]!.variable.dataSync())).toEqual(
        Array.from(w.variable.dataSync()),
      );
    whole.m.dispose();
    resumed.m.dispose();
    data.dispose();
  });

  test('a resume with another seed is refused', async () => {
    const store = memoryStore();
    const first = await trainRun(store, 1);
    first.m.dispose();
    const loaded = await loadCheckpoint(store);
    const data = spirals({ pointsPerClass: 5 });
    await expect(fit(loaded.model, data, { epochs: 2, seed: 5, resume: loaded })).rejects.toThrow(/seed/);
    disposeCheckpoint(loaded);
    data.dispose();
  });
});

describe('directory store', () => {
  test('writes atomically: a failure mid-save leaves the previous checkpoint whole and LATEST unchanged', async () => {
    const dir = path.join(scratch, 'atomic');
    const store = directoryStore(dir);
    const m = makeModel();
    const files = await encodeCheckpoint({ model: m });
    await store.save('good', files);
    const broken = new Map(files);
    broken.set('../escape', new Uint8Array(4));
    await expect(store.save('good', broken)).rejects.toThrow(/plain name/);
    await expect(store.save('next', broken)).rejects.toThrow(/plain name/);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    expect(await store.list()).toEqual(['good']);
    expect(readFileSync(path.join(dir, 'LATEST'), 'utf8')).toBe('good');
    const copy = await decodeModel(await store.load('good'));
    copy.dispose();
    // a directory without its completion stamp (a crash before the rename) is not a checkpoint
    rmSync(path.join(dir, 'good', '.saved-at'));
    expect(await store.list()).toEqual([]);
    await expect(store.load('good')).rejects.toThrow(/no complete checkpoint/);
    await expect(store.save('bad/label', files)).rejects.toThrow(/label/);
    writeFileSync(path.join(scratch, 'file'), 'x');
    expect(() => directoryStore(path.join(scratch, 'file'))).toThrow(/not a directory/);
    m.dispose();
  });

  test('checkpointCallback keeps only the newest checkpoints when asked', async () => {
    const store = directoryStore(path.join(scratch, 'keep'));
    const data = spirals({ pointsPerClass: 5 });
    const m = makeModel();
    await fit(m, data, { epochs: 4, callbacks: [checkpointCallback({ store, keep: 2 })] });
    expect(await store.list()).toEqual(['epoch-0003', 'epoch-0004']);
    expect(await store.latest()).toBe('epoch-0004');
    expect(existsSync(path.join(store.directory, 'epoch-0001'))).toBe(false);
    m.dispose();
    data.dispose();
  });

  test("metadata: each checkpoint's model.json carries it (its userDefinedMetadata), as saveModel's does", async () => {
    const store = directoryStore(path.join(scratch, 'metadata'));
    const data = spirals({ pointsPerClass: 5 });
    const m = makeModel();
    const metadata = { classNames: ['a', 'b', 'c'] };
    await fit(m, data, { epochs: 2, callbacks: [checkpointCallback({ store, metadata })] });
    for (const label of ['epoch-0001', 'epoch-0002']) {
      const json = JSON.parse(readFileSync(path.join(store.directory, label, 'model.json'), 'utf8')) as {
        userDefinedMetadata?: unknown;
      };
      expect(json.userDefinedMetadata).toEqual(metadata);
    }
    // the same through saveCheckpoint and encodeModel; none without it
    const files = await encodeCheckpoint({ model: m, metadata: { note: 1 } });
    const read = (f: Map<string, Uint8Array>) =>
      (JSON.parse(new TextDecoder().decode(f.get('model.json'))) as { userDefinedMetadata?: unknown })
        .userDefinedMetadata;
    expect(read(files)).toEqual({ note: 1 });
    expect(read(await encodeModel(m, { metadata }))).toEqual(metadata);
    expect(read(await encodeModel(m))).toBeUndefined();
    // a loaded checkpoint is the model as saved
    disposeCheckpoint(await loadCheckpoint(store));
    // not a JSON object: named, and nothing written
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const empty = memoryStore();
    await expect(saveCheckpoint(empty, { model: m, metadata: ['a'] as never })).rejects.toThrow(
      /^saveCheckpoint: argument 'content\.metadata' must be a JSON object/,
    );
    await expect(saveCheckpoint(empty, { model: m, metadata: cyclic })).rejects.toThrow(/content\.metadata/);
    expect(await empty.list()).toEqual([]);
    expect(() => checkpointCallback({ store, metadata: 'x' as never })).toThrow(
      /^checkpointCallback: argument 'metadata' must be a JSON object/,
    );
    await expect(encodeModel(m, { metadata: 3 as never })).rejects.toThrow(
      /^encodeModel: argument 'metadata'/,
    );
    await expect(encodeModel(m, { meta: {} } as never)).rejects.toThrow(/encodeModel: unknown option 'meta'/);
    m.dispose();
    data.dispose();
  });
});

describe('browser stores', () => {
  test('IndexedDB: save, list, latest, load and remove', async () => {
    const store = indexedDbStore('test-db', new IDBFactory());
    const m = makeModel();
    await store.save('first', await encodeModel(m));
    await store.save('second', await encodeModel(m));
    expect(await store.list()).toEqual(['first', 'second']);
    expect(await store.latest()).toBe('second');
    const copy = await decodeModel(await store.load('first'));
    expect(copy.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));
    copy.dispose();
    await store.remove('first');
    expect(await store.list()).toEqual(['second']);
    await expect(store.load('first')).rejects.toThrow(/no checkpoint 'first'/);
    m.dispose();
  });

  test('downloads: one anchor per file, named after the prefix', async () => {
    const m = makeModel();
    const files = await encodeModel(m);
    const clicked: string[] = [];
    const doc = {
      createElement: () => ({
        href: '',
        download: '',
        click() {
          clicked.push(this.download);
        },
        remove() {},
      }),
      body: { appendChild() {} },
    } as unknown as Document;
    expect(downloadCheckpoint(files, 'mnist-mlp', doc)).toEqual([
      'mnist-mlp-model.json',
      'mnist-mlp-weights.bin',
    ]);
    expect(clicked).toEqual(['mnist-mlp-model.json', 'mnist-mlp-weights.bin']);
    expect(() => downloadCheckpoint(files, 'x', undefined)).toThrow(/browser/);
    m.dispose();
  });
});

describe('resume into another model', () => {
  test('names the weights that differ instead of failing deep in tfjs', async () => {
    const store = memoryStore();
    const data = spirals({ pointsPerClass: 5 });
    const first = makeModel(3);
    await fit(first, data, { epochs: 1, callbacks: [checkpointCallback({ store })] });
    first.dispose();
    const loaded = await loadCheckpoint(store);
    const wider = model(
      [dense({ units: 32, activation: 'relu', name: 'h1' }), dense({ units: 3, name: 'out' })],
      { inputShape: [2], seed: 1 },
    );
    await expect(fit(wider, data, { epochs: 2, resume: loaded })).rejects.toThrow(
      /state for weights that differ: h1\/kernel \[2, 16\] in the checkpoint, \[2, 32\] in the model; .*bn\/gamma \(in the checkpoint, not in the model\)/,
    );
    disposeCheckpoint(loaded);
    wider.dispose();
    data.dispose();
  });
});

describe('damaged checkpoints and leftovers', () => {
  const saveOne = async (name: string) => {
    const store = directoryStore(path.join(scratch, name));
    const data = spirals({ pointsPerClass: 5 });
    const m = makeModel();
    await fit(m, data, { epochs: 2, callbacks: [checkpointCallback({ store })] });
    m.dispose();
    data.dispose();
    return store;
  };

  test("an interrupted save's temporary folder is removed at the next start; a live one is kept", async () => {
    const store = await saveOne('leftovers');
    const dead = path.join(store.directory, '.tmp-epoch-0003-999999-1');
    const live = path.join(store.directory, `.tmp-epoch-0003-${process.pid}-1`);
    for (const dir of [dead, live]) mkdirSync(dir);
    directoryStore(store.directory);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
  });

  test('a bad training.json names the checkpoint and the field; an epoch of -3 is refused', async () => {
    const store = await saveOne('bad-state');
    const file = path.join(store.directory, 'epoch-0002', 'training.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...state, epoch: -3 }));
    await expect(loadCheckpoint(store)).rejects.toThrow(
      "checkpoint 'epoch-0002' is damaged: training.json: 'epoch' must be a non-negative integer, got -3.",
    );
  });

  test('a truncated weights file names the checkpoint; NaN weights are said to be non-finite weights', async () => {
    const store = await saveOne('bad-weights');
    const weights = path.join(store.directory, 'epoch-0002', 'weights.bin');
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, 40));
    await expect(loadCheckpoint(store)).rejects.toThrow(
      /checkpoint 'epoch-0002' is damaged: weights.bin holds 40 bytes/,
    );
    const poisoned = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    poisoned[0] = Number.NaN;
    writeFileSync(weights, new Uint8Array(poisoned.buffer));
    const before = tf.memory().numTensors;
    await expect(loadCheckpoint(store)).rejects.toThrow(
      "checkpoint 'epoch-0002' is damaged: it holds non-finite weights (the weight 'h1/kernel' holds NaN or ±Infinity.)",
    );
    expect(tf.memory().numTensors).toBe(before);
    const previous = await loadCheckpoint(store, 'epoch-0001');
    disposeCheckpoint(previous);
  });
});
