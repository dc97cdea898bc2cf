/**
 * Training runs that stop, resume and keep their checkpoints, as a user meets them: Ctrl-C mid-epoch and
 * `--resume` give the uninterrupted run bit for bit; `--resume` refuses flags that change the model or
 * the data; one run per checkpoint folder; a damaged checkpoint names itself and the one before; a run's
 * config.json repeats it; diagnostics at init and every epoch with the stall check; bad input is exit 2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { oneCycle } from '@gradwell/trainer';
import { describe, expect, test } from 'vitest';
import {
  cli,
  expectOneLineError,
  json,
  run as runIn,
  runAndInterrupt,
  scratchFolder,
  writeImageClasses,
} from './cli-process';

const scratch = scratchFolder();
const run = (args: string[]) => runIn(args, scratch);
const at = (...parts: string[]) => path.join(scratch, ...parts);

type Entry = Record<string, number | boolean>;
interface TrainResult {
  history: Entry[];
  epochs: number;
  partialEpoch?: { epoch: number; batches: number; stepsPerEpoch: number };
  stall: null | { reasons: string[]; causes: Array<{ cause: string }> };
  config: Record<string, unknown>;
  checkpoints: string[];
  best?: { label: string; value: number };
  averagedSteps?: number;
}

/** What must match between two runs of one seed: every figure but the timings. */
const figures = (history: Entry[]) => history.map(({ seconds: _s, examplesPerSecond: _e, ...rest }) => rest);

const weights = (out: string) => readFileSync(path.join(out, 'model', 'weights.bin'));

describe('Ctrl-C and --resume', () => {
  const base = ['train', '--limit', '3000', '--batch-size', '32', '--seed', '7', '--hidden', '64', '--json'];

  test.each([
    { name: 'mid-epoch', epochs: 3, extra: [] },
    { name: 'in the last epoch', epochs: 2, extra: [] },
    {
      name: 'mid-epoch, averaging the weights',
      epochs: 3,
      extra: ['--average', '0.99', '--average-from', '2'],
    },
    { name: 'mid-epoch, accumulating gradients', epochs: 3, extra: ['--accumulate', '3'] },
  ])(
    'interrupted $name, then resumed: the history and the weights are bit-identical to an uninterrupted run',
    async ({ epochs, extra }) => {
      const dir = at(`interrupt-${epochs}-${extra.join('')}`);
      const args = [...base, '--epochs', String(epochs), ...extra];
      const reference = json<TrainResult>(run([...args, '--out', path.join(dir, 'reference')]));
      expect(reference.history).toHaveLength(epochs);
      expect(reference.stall).toBeNull();

      const resumable = [...args, '--checkpoint-dir', path.join(dir, 'ck'), '--out', path.join(dir, 'out')];
      // SIGINT as soon as the first epoch's line is out: the stop lands inside epoch 2.
      const stopped = await runAndInterrupt(resumable, scratch, (stderr) => /epoch 1\/\d/.test(stderr));
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toMatch(/stopped at epoch 2, batch \d+ of 94/);
      expect(stopped.stderr).toMatch(/--resume --checkpoint-dir/);
      const partial = JSON.parse(stopped.stdout) as TrainResult;
      expect(partial.epochs).toBe(1);
      expect(partial.history).toHaveLength(2);
      expect(partial.history[1]).toMatchObject({ epoch: 1, partial: true, stepsPerEpoch: 94 });
      const batches = partial.partialEpoch?.batches as number;
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThan(94);
      const label = readFileSync(path.join(dir, 'ck', 'LATEST'), 'utf8');
      expect(label).toBe(`epoch-0001-batch-${String(batches).padStart(4, '0')}`);

      const resumed = json<TrainResult>(run([...resumable, '--resume']));
      expect(resumed.history.every((h) => h.partial === undefined)).toBe(true);
      expect(figures(resumed.history)).toEqual(figures(reference.history));
      expect(weights(path.join(dir, 'out')).equals(weights(path.join(dir, 'reference')))).toBe(true);
      expect(readFileSync(path.join(dir, 'ck', 'LATEST'), 'utf8')).toBe(
        `epoch-${String(epochs).padStart(4, '0')}`,
      );
      if (extra.includes('--accumulate')) {
        // the stop waits for its group's update: a whole number of groups of 3 trained
        expect(stopped.stderr).toMatch(/stopping after this group's update/);
        expect(batches % 3).toBe(0);
      }
      if (extra.includes('--average')) {
        // Epochs 2 and 3 averaged (94 steps each); the stopped run's checkpoint counted its own steps so far.
        expect(resumed.averagedSteps).toBe(188);
        expect(partial.averagedSteps).toBe(batches);
        const saved = JSON.parse(
          readFileSync(path.join(dir, 'ck', label, 'averaging.json'), 'utf8'),
        ) as unknown;
        expect(saved).toMatchObject({ decay: 0.99, startEpoch: 1, count: batches });
      }
    },
  );
});

describe('--average', () => {
  test("the saved model holds the averages: evaluate finds the run's test figures; a plain run's weights differ", () => {
    const args = ['train', '--limit', '2000', '--epochs', '2', '--seed', '3', '--hidden', '32', '--json'];
    const averaged = json<TrainResult & { testAccuracy: number; testLoss: number }>(
      run([...args, '--average', 'mean', '--out', at('average-mean')]),
    );
    const plain = json<TrainResult>(run([...args, '--out', at('average-none')]));
    expect(averaged.averagedSteps).toBe(2 * Math.ceil(2000 / 128));
    expect(averaged.config).toMatchObject({ average: 'mean' });
    expect(plain.averagedSteps).toBeUndefined();
    const result = (run: string) =>
      (JSON.parse(readFileSync(at(run, 'result.json'), 'utf8')) as { averagedSteps: number | null })
        .averagedSteps;
    expect([result('average-mean'), result('average-none')]).toEqual([averaged.averagedSteps, null]);
    expect(weights(at('average-mean')).equals(weights(at('average-none')))).toBe(false);
    const evaluated = json<{ accuracy: number; loss: number }>(
      run(['evaluate', at('average-mean'), '--json']),
    );
    expect(evaluated.accuracy).toBeCloseTo(averaged.testAccuracy, 12);
    expect(evaluated.loss).toBeCloseTo(averaged.testLoss, 5);
    // The first epoch's validation already measures the averages: they lag the training weights early on.
    expect(averaged.history[0]!.valLoss).not.toBe(plain.history[0]!.valLoss);
  });

  test('--precise-bn: the statistics re-estimated over the training set; the saved model holds them', () => {
    const args = ['train', '--limit', '2000', '--epochs', '1', '--seed', '3', '--hidden', '32', '--json'];
    const precise = json<
      TrainResult & { testAccuracy: number; preciseBn: { layers: string[]; examples: number } }
    >(run([...args, '--batchnorm', '--average', '0.99', '--precise-bn', '--out', at('precise-bn')]));
    expect(precise.preciseBn.examples).toBe(2000);
    expect(precise.preciseBn.layers.length).toBeGreaterThan(0);
    expect(precise.config).toMatchObject({ preciseBn: true, batchnorm: true });
    const evaluated = json<{ accuracy: number }>(run(['evaluate', at('precise-bn'), '--json']));
    expect(evaluated.accuracy).toBeCloseTo(precise.testAccuracy, 12);
    // the same run without the pass keeps the running statistics of training: other weights saved
    run([...args, '--batchnorm', '--average', '0.99', '--out', at('running-bn')]);
    expect(weights(at('precise-bn')).equals(weights(at('running-bn')))).toBe(false);
    expectOneLineError(
      run([...args, '--precise-bn']),
      2,
      /--precise-bn .* no batch-norm layer — add --batchnorm/,
    );
  });

  test('bad values and lone --average-from are one-line errors naming the flag', () => {
    expectOneLineError(
      run(['train', '--average', '1']),
      2,
      /--average must be a number in \(0, 1\) or 'mean', got "1" — e\.g\. --average 0\.999/,
    );
    expectOneLineError(run(['train', '--average', 'median']), 2, /--average must be .* got "median"/);
    expectOneLineError(run(['train', '--average-from', '2']), 2, /--average-from needs --average/);
    expectOneLineError(
      run(['train', '--epochs', '2', '--average', '0.9', '--average-from', '3']),
      2,
      /--average-from must be at most --epochs \(2\), got 3/,
    );
  });
});

describe('--weight-norm', () => {
  test('weight-normalised hidden layers set from 512 training examples; --resume keeps them; refused where it does nothing', () => {
    const args = ['train', '--limit', '2000', '--seed', '3', '--hidden', '32,16', '--weight-norm'];
    const first = run([...args, '--epochs', '1', '--checkpoint-dir', at('wn-ck'), '--out', at('wn-1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/dense1 +WeightNormDense/);
    expect(first.stdout).toMatch(/logits +Dense/);
    expect(first.stdout).toContain(
      'weight norm: g and b of dense1, dense2 set from 512 training examples (each unit at mean 0, variance 1)',
    );
    // resumed: the weights come from the checkpoint, not a second initialisation — as the straight run's
    const resumed = run([
      ...args,
      '--epochs',
      '2',
      '--resume',
      '--checkpoint-dir',
      at('wn-ck'),
      '--out',
      at('wn-r'),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).not.toContain('weight norm:');
    const straight = run([...args, '--epochs', '2', '--out', at('wn-2')]);
    expect(straight.code, straight.stderr).toBe(0);
    expect(weights(at('wn-r')).equals(weights(at('wn-2')))).toBe(true);
    // the saved model is weight-normalised and evaluates to the run's figure
    const result = json<{ testAccuracy: number }>(
      run([...args, '--epochs', '1', '--json', '--out', at('wn-j')]),
    );
    expect(json<{ accuracy: number }>(run(['evaluate', at('wn-j'), '--json'])).accuracy).toBeCloseTo(
      result.testAccuracy,
      12,
    );
    expectOneLineError(
      run(['train', '--weight-norm', '--drop-connect', '0.3']),
      2,
      /--weight-norm and --drop-connect both replace the hidden dense layers — choose one of them/,
    );
    writeFileSync(at('plain-model.json'), JSON.stringify({ name: 'm', inputShape: [784], layers: [] }));
    expectOneLineError(
      run(['train', '--weight-norm', '--model', at('plain-model.json')]),
      2,
      /--weight-norm makes the hidden layers of the mlp and cnn presets weight-normalised, and the model here is '.*plain-model\.json'/,
    );
  });
});

describe('--mean-only-bn', () => {
  test('mean-only batch norm after each weight-normalised hidden layer; --precise-bn re-estimates it; refused where it does nothing', () => {
    const args = ['train', '--limit', '2000', '--seed', '3', '--hidden', '32,16', '--epochs', '1'];
    const result = run([
      ...args,
      '--weight-norm',
      '--mean-only-bn',
      '--precise-bn',
      '--json',
      '--out',
      at('mo'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = json<{ testAccuracy: number }>(result);
    expect(summary.testAccuracy).toBeGreaterThan(0.25); // 10 classes: chance is 0.1 (one epoch of 1800 digits: 0.39 plain)
    const text = run([...args, '--weight-norm', '--mean-only-bn', '--out', at('mo-text')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/dense1 +WeightNormDense/);
    expect(text.stdout).toMatch(/bn1 +MeanOnlyBatchNorm/);
    expect(text.stdout).toMatch(/bn2 +MeanOnlyBatchNorm/);
    // the saved model holds the layers and evaluates to the run's figure
    expect(json<{ accuracy: number }>(run(['evaluate', at('mo'), '--json'])).accuracy).toBeCloseTo(
      summary.testAccuracy,
      12,
    );
    expectOneLineError(
      run(['train', '--batchnorm', '--mean-only-bn']),
      2,
      /--mean-only-bn and --batchnorm both go between each hidden layer and its activation — choose one of them/,
    );
    writeFileSync(at('plain-model-mo.json'), JSON.stringify({ name: 'm', inputShape: [784], layers: [] }));
    expectOneLineError(
      run(['train', '--mean-only-bn', '--model', at('plain-model-mo.json')]),
      2,
      /--mean-only-bn puts a normalisation layer into the mlp and cnn presets, and the model here is '.*plain-model-mo\.json'/,
    );
    expectOneLineError(
      run(['train', '--batchnorm', '--model', at('plain-model-mo.json')]),
      2,
      /--batchnorm puts a normalisation layer into the mlp and cnn presets/,
    );
  });
});

describe('--early-stopping across --resume', () => {
  test("stopped after its best epoch, resumed: it stops where the whole run does, with the best epoch's weights", async () => {
    const dir = at('early-resume');
    const args = [
      ...['train', '--limit', '6000', '--batch-size', '32', '--seed', '7', '--hidden', '64'],
      ...['--lr', '0.01', '--epochs', '8', '--early-stopping', '2', '--no-diagnostics', '--json'],
    ];
    // This seed's validation loss is best after epoch 4 and stops after epoch 6.
    const reference = json<TrainResult & { stopReason: string }>(
      run([...args, '--out', path.join(dir, 'reference')]),
    );
    expect(reference.history).toHaveLength(6);
    expect(reference.stopReason).toMatch(/did not improve for 2 epochs \(best [\d.]+ at epoch 4\)/);
    const resumable = [...args, '--checkpoint-dir', path.join(dir, 'ck'), '--out', path.join(dir, 'out')];
    // Ctrl-C inside epoch 6: the resumed run must know epoch 4 was the best and read its weights back.
    const stopped = await runAndInterrupt(resumable, scratch, (stderr) => /epoch 5\/8/.test(stderr));
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/stopped at epoch 6, batch \d+ of 169/);
    const resumed = json<TrainResult & { stopReason: string }>(run([...resumable, '--resume']));
    expect(figures(resumed.history)).toEqual(figures(reference.history));
    expect(resumed.stopReason).toBe(reference.stopReason);
    expect(weights(path.join(dir, 'out')).equals(weights(path.join(dir, 'reference')))).toBe(true);
    expectOneLineError(
      run([...args, '--checkpoint-dir', path.join(dir, 'ck2'), '--keep-checkpoints', '2']),
      2,
      /--keep-checkpoints 2 would delete the checkpoint of the best epoch, which --early-stopping 2 restores from after --resume — keep at least 3 \(patience \+ 1\)/,
    );
  });
});

describe('checkpoint folders', () => {
  test('--resume refuses every flag that changes the model or the data, naming it with both values; --epochs may change', () => {
    const ck = at('mismatch', 'ck');
    const args = [
      ...'train --limit 1200 --hidden 16'.split(' '),
      '--checkpoint-dir',
      ck,
      '--out',
      at('mismatch', 'out'),
    ];
    json(run([...args, '--epochs', '1', '--json']));
    const resume = (...flags: string[]) => run([...args, '--resume', ...flags]);
    expectOneLineError(resume('--model', 'cnn'), 2, /--model is "cnn" here, "mlp" in the run/);
    expectOneLineError(resume('--hidden', '128'), 2, /--hidden is \[128\] here, \[16\] in the run/);
    expectOneLineError(resume('--activation', 'tanh'), 2, /--activation is "tanh" here, "relu" in the run/);
    expectOneLineError(resume('--batchnorm'), 2, /--batchnorm is true here, false in the run/);
    expectOneLineError(resume('--dropout', '0.3'), 2, /--dropout is 0.3 here, null in the run/);
    expectOneLineError(resume('--limit', '1000'), 2, /--limit is 1000 here, 1200 in the run/);
    expectOneLineError(resume('--accumulate', '2'), 2, /--accumulate is 2 here, 1 in the run/);
    expectOneLineError(
      resume('--activation', 'tanh', '--dropout', '0.3'),
      2,
      /--activation is "tanh" here.*; --dropout is 0.3 here.* — drop those flags/,
    );
    // the saved config is read as a config file is: checked, and an older release's string form resolved
    const saved = JSON.parse(readFileSync(path.join(ck, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(ck, 'config.json'), JSON.stringify({ ...saved, dropout: 2 }));
    expectOneLineError(resume(), 2, /config\.json 'dropout' must be a number ≥ 0 and ≤ 0\.99, got '2'/);
    // … and an option newer than the run's release (here --accumulate) takes its default
    const { accumulate: _newer, ...older } = saved;
    writeFileSync(path.join(ck, 'config.json'), JSON.stringify({ ...older, augment: 'flipHorizontal' }));
    expectOneLineError(
      resume('--augment', 'randomErasing'),
      2,
      /--augment is \{"steps":\[\{"type":"randomErasing","p":0\.5\}\]\} here, \{"steps":\[\{"type":"flipHorizontal","p":0\.5\}\]\} in the run/,
    );
    const longer = json<TrainResult>(resume('--augment', 'flipHorizontal', '--epochs', '2', '--json'));
    expect(longer.history).toHaveLength(2);
    expect(longer.config.augment).toEqual({ steps: [{ type: 'flipHorizontal', p: 0.5 }] });
    expect(longer.config.accumulate).toBe(1);
  });

  test('one run per folder: another run is refused unless --resume or --overwrite; stale temporary folders are cleaned', () => {
    const ck = at('one-run', 'ck');
    const args = [...'train --limit 600 --hidden 8 --epochs 1'.split(' '), '--checkpoint-dir', ck];
    args.push('--out', at('one-run', 'out'));
    json(run([...args, '--json']));
    expectOneLineError(
      run(args),
      2,
      /holds another run's checkpoints \(epoch-0001 the latest\) — add --resume .* --overwrite/,
    );
    // A save killed mid-write (its process gone) left a temporary folder behind.
    const stale = path.join(ck, '.tmp-epoch-0002-99999999-1700000000000');
    mkdirSync(stale);
    writeFileSync(path.join(stale, 'weights.bin'), 'half');
    const replaced = json<TrainResult>(run([...args, '--overwrite', '--seed', '2', '--json']));
    expect(replaced.config.seed).toBe(2);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(ck).sort()).toEqual(['LATEST', 'config.json', 'epoch-0001']);
    expectOneLineError(run(['train', '--resume']), 2, /--resume continues the run saved in --checkpoint-dir/);
    expectOneLineError(run([...args, '--resume', '--overwrite']), 2, /exclude each other/);
  });

  test('a damaged checkpoint names itself and the previous one that loads; non-finite weights and a bad epoch are named', () => {
    const ck = at('damaged', 'ck');
    const args = [
      ...'train --limit 600 --hidden 8'.split(' '),
      '--checkpoint-dir',
      ck,
      '--out',
      at('damaged', 'out'),
    ];
    json(run([...args, '--epochs', '2', '--json']));
    const weightsFile = path.join(ck, 'epoch-0002', 'weights.bin');
    const good = readFileSync(weightsFile);
    writeFileSync(weightsFile, good.subarray(0, 100));
    expectOneLineError(
      run([...args, '--resume', '--epochs', '3']),
      2,
      /checkpoint 'epoch-0002' is damaged: weights\.bin holds 100 bytes.* — continue from the previous one that loads: --resume epoch-0001/,
    );
    const nan = Buffer.from(good);
    nan.writeFloatLE(Number.NaN, 0);
    writeFileSync(weightsFile, nan);
    expectOneLineError(
      run([...args, '--resume', '--epochs', '3']),
      2,
      /'epoch-0002' is damaged: it holds non-finite weights/,
    );
    const training = path.join(ck, 'epoch-0002', 'training.json');
    writeFileSync(weightsFile, good);
    const state = JSON.parse(readFileSync(training, 'utf8')) as Record<string, unknown>;
    writeFileSync(training, JSON.stringify({ ...state, epoch: -3 }));
    expectOneLineError(
      run([...args, '--resume', '--epochs', '3']),
      2,
      /'epoch' must be a non-negative integer, got -3/,
    );
    const fromFirst = json<TrainResult>(run([...args, '--resume', 'epoch-0001', '--epochs', '3', '--json']));
    expect(fromFirst.history).toHaveLength(3);
    expectOneLineError(run([...args, '--resume', 'epoch-0042']), 2, /no checkpoint 'epoch-0042'/);
  });

  test('--keep-checkpoints keeps the last N; --save-best keeps the best epoch apart in best/', () => {
    const ck = at('keep', 'ck');
    const r = json<TrainResult>(
      run([
        'train',
        '--limit',
        '1000',
        '--hidden',
        '16',
        '--epochs',
        '3',
        '--checkpoint-dir',
        ck,
        '--keep-checkpoints',
        '1',
        '--save-best',
        'valLoss',
        '--out',
        at('keep', 'out'),
        '--json',
      ]),
    );
    expect(readdirSync(ck).filter((f) => f.startsWith('epoch-'))).toEqual(['epoch-0003']);
    const losses = r.history.map((h) => h.valLoss as number);
    const bestEpoch = losses.indexOf(Math.min(...losses)) + 1;
    expect(r.best).toEqual({
      label: `epoch-${String(bestEpoch).padStart(4, '0')}`,
      value: Math.min(...losses),
    });
    expect(readdirSync(path.join(ck, 'best')).filter((f) => f.startsWith('epoch-'))).toEqual([r.best?.label]);
    expectOneLineError(
      run(['train', '--save-best', 'valLoss']),
      2,
      /--save-best keeps the best checkpoint in --checkpoint-dir/,
    );
    expectOneLineError(
      run(['train', '--save-best', 'bogus', '--checkpoint-dir', ck]),
      2,
      /--save-best must be one of valLoss, valAccuracy/,
    );
    expectOneLineError(
      run(['train', '--keep-checkpoints', '0', '--checkpoint-dir', ck]),
      2,
      /--keep-checkpoints must be an integer ≥ 1/,
    );
  });
});

describe('--lr-schedule plateau', () => {
  test('÷10 once the held-out loss stops falling for --lr-patience epochs, said as it happens; --lr-patience alone is refused', () => {
    const args = ['train', '--limit', '1000', '--hidden', '16', '--epochs', '5', '--lr', '0.05'];
    const r = run([
      ...args,
      '--lr-schedule',
      'plateau',
      '--lr-patience',
      '1',
      '--out',
      at('plateau'),
      '--json',
    ]);
    const result = json<TrainResult>(r);
    // The rule replayed on the run's own validation losses (10% of the training set held out).
    const expected: number[] = [];
    let rate = 0.05;
    let best = Number.POSITIVE_INFINITY;
    for (const h of result.history) {
      expected.push(rate);
      const loss = h.valLoss as number;
      if (loss < best - 1e-4) best = loss;
      else rate *= 0.1;
    }
    const rates = result.history.map((h) => h.learningRate as number);
    rates.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
    expect(rates.at(-1)).toBeLessThan(0.05); // this seed's loss does stall: at least one reduction
    expect(r.stderr).toMatch(/learning rate 0\.05 → 0\.005: valLoss not below [\d.]+ for 1 epoch\(s\)/);
    expect(result.config).toMatchObject({ lrSchedule: 'plateau', lrPatience: 1 });
    expect(result.history).toHaveLength(5);
    expectOneLineError(
      run([...args, '--lr-patience', '3']),
      2,
      /--lr-patience counts the epochs the plateau schedule waits, and --lr-schedule is 'constant' — add --lr-schedule plateau, or drop --lr-patience/,
    );
    expectOneLineError(
      run([...args, '--lr-schedule', 'plateau', '--lr-patience', '0']),
      2,
      /--lr-patience must be an integer ≥ 1, got '0'/,
    );
  });
});

describe('--lr-schedule one-cycle', () => {
  test('up to --lr and down over every step of the run: each epoch ends at the rate PyTorch would set there', () => {
    const small = ['train', '--limit', '1000', '--hidden', '16', '--epochs', '3', '--batch-size', '100'];
    const schedule = ['--lr', '0.02', '--lr-schedule', 'one-cycle', '--no-diagnostics'];
    const r = json<TrainResult>(run([...small, ...schedule, '--out', at('one-cycle'), '--json']));
    // 10 steps an epoch, 30 in all; an epoch's logged rate is the one its last step trained with.
    const rates = oneCycle({ maxRate: 0.02, totalSteps: 30 });
    expect(r.history.map((h) => h.learningRate)).toEqual([9, 19, 29].map((step) => rates.rate(step, 10)));
    expect(r.history.at(-1)?.learningRate).toBe(0.02 / 25 / 1e4);
    expect(r.history[0]!.learningRate).toBeGreaterThan(0.019); // step 9 of 30: just past the peak (step 8)
  });

  test('--accumulate 2 on batches of 50 trains as batches of 100: the same rates per update, the same weights', () => {
    const small = [
      'train',
      '--limit',
      '1000',
      '--hidden',
      '16',
      '--epochs',
      '3',
      '--no-diagnostics',
      '--json',
    ];
    const schedule = ['--lr', '0.02', '--lr-schedule', 'one-cycle'];
    const large = json<TrainResult>(run([...small, ...schedule, '--batch-size', '100', '--out', at('b100')]));
    const accumulated = json<TrainResult & { steps: number }>(
      run([...small, ...schedule, '--batch-size', '50', '--accumulate', '2', '--out', at('b50x2')]),
    );
    expect(accumulated.config.accumulate).toBe(2);
    expect(accumulated.history.map((h) => h.learningRate)).toEqual(large.history.map((h) => h.learningRate));
    for (const [i, h] of accumulated.history.entries())
      expect(h.valLoss as number).toBeCloseTo(large.history[i]!.valLoss as number, 4);
    const floats = (out: string) => {
      const bytes = weights(out);
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    };
    const [a, b] = [floats(at('b50x2')), floats(at('b100'))];
    expect(a.length).toBe(b.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-4);
    expectOneLineError(run([...small, '--accumulate', '0']), 2, /--accumulate.*integer.*0/);
  });

  test('--optimizer lamb trains the accumulated large batch, its weight decay inside the trust ratio', () => {
    const args = 'train --limit 1000 --hidden 32 --epochs 4 --no-diagnostics --json'.split(' ');
    const lamb = ['--optimizer', 'lamb', '--lr', '0.05', '--weight-decay', '0.01'];
    const r = json<TrainResult & { testAccuracy: number }>(
      run([...args, ...lamb, '--batch-size', '50', '--accumulate', '2', '--out', at('lamb')]),
    );
    expect(r.config).toMatchObject({ optimizer: 'lamb', weightDecay: 0.01, accumulate: 2 });
    expect(r.history.every((h) => h.learningRate === 0.05)).toBe(true);
    expect(r.history.at(-1)!.loss as number).toBeLessThan(r.history[0]!.loss as number);
    expect(r.testAccuracy).toBeGreaterThan(0.75); // 84.5% (Adam at η 0.01: 89%)
  });

  test('--optimizer lars trains the accumulated large batch with its trust coefficient; the flag is refused elsewhere', () => {
    const args = 'train --limit 1000 --hidden 32 --epochs 4 --no-diagnostics --json'.split(' ');
    const lars = [
      '--optimizer',
      'lars',
      '--lr',
      '1',
      '--trust-coefficient',
      '0.02',
      '--weight-decay',
      '1e-4',
    ];
    const r = json<TrainResult & { testAccuracy: number }>(
      run([...args, ...lars, '--batch-size', '50', '--accumulate', '2', '--out', at('lars')]),
    );
    expect(r.config).toMatchObject({ optimizer: 'lars', trustCoefficient: 0.02, weightDecay: 1e-4 });
    expect(r.history.at(-1)!.loss as number).toBeLessThan(r.history[0]!.loss as number);
    expect(r.testAccuracy).toBeGreaterThan(0.7);
    expectOneLineError(
      run(['train', '--trust-coefficient', '0.01']),
      2,
      /--trust-coefficient sets LARS's per-layer rates, and --optimizer is 'adam' — add --optimizer lars, or drop --trust-coefficient/,
    );
    expectOneLineError(
      run(['train', '--optimizer', 'lars', '--trust-coefficient', '0']),
      2,
      /--trust-coefficient/,
    );
  });
});

describe('run configs', () => {
  test('config.json repeats a run bit-exactly; flags override a config file; --print-config shows the resolved options', () => {
    const first = json<TrainResult>(
      run([
        'train',
        '--limit',
        '1500',
        '--hidden',
        '32',
        '--dropout',
        '0.2',
        '--epochs',
        '2',
        '--seed',
        '3',
        '--augment',
        '[{"type":"randomCrop","params":{"size":[28,28],"padding":2}}]',
        '--out',
        at('cfg', 'a'),
        '--json',
      ]),
    );
    const config = JSON.parse(readFileSync(at('cfg', 'a', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      limit: 1500,
      hidden: [32],
      dropout: 0.2,
      epochs: 2,
      seed: 3,
      optimizer: 'adam',
    });
    // the pipeline itself, not the text that named it: the run repeats without the file a flag names
    expect(config.augment).toEqual({
      steps: [{ type: 'randomCrop', params: { size: [28, 28], padding: 2 } }],
    });
    expect(first.config).toEqual(config);
    const again = json<TrainResult>(
      run(['train', '--config', at('cfg', 'a', 'config.json'), '--out', at('cfg', 'b'), '--json']),
    );
    expect(figures(again.history)).toEqual(figures(first.history));
    expect(weights(at('cfg', 'b')).equals(weights(at('cfg', 'a')))).toBe(true);

    const printed = run([
      'train',
      '--config',
      at('cfg', 'a', 'config.json'),
      '--epochs',
      '5',
      '--print-config',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ ...config, epochs: 5 });
    expect(existsSync(at('cfg', 'print'))).toBe(false);

    const bad = at('cfg', 'bad.json');
    writeFileSync(bad, JSON.stringify({ hiden: [3] }));
    expectOneLineError(
      run(['train', '--config', bad]),
      2,
      /unknown option 'hiden' \(did you mean 'hidden'\?\)/,
    );
    // the pipeline itself, as a hand-written config file holds it; its steps are checked as --augment's
    const steps = [{ type: 'randomErasing', p: 0.5, params: { scale: [0.02, 0.2] } }];
    writeFileSync(bad, JSON.stringify({ augment: { seed: 4, steps } }));
    const printedPipeline = run(['train', '--config', bad, '--print-config']);
    expect(printedPipeline.code, printedPipeline.stderr).toBe(0);
    expect(JSON.parse(printedPipeline.stdout)).toMatchObject({ augment: { seed: 4, steps } });
    // a .json file's pipeline is written into the config; names resolve to steps of probability ½
    const file = at('cfg', 'pipeline.json');
    writeFileSync(file, JSON.stringify([{ p: 0.25, type: 'flipHorizontal' }]));
    const named = run(['train', '--augment', 'grayscale', '--print-config']);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ augment: { steps: [{ type: 'grayscale', p: 0.5 }] } });
    const inlined = run(['train', '--augment', file, '--print-config']);
    expect(JSON.parse(inlined.stdout)).toMatchObject({
      augment: { steps: [{ type: 'flipHorizontal', p: 0.25 }] },
    });
    writeFileSync(bad, JSON.stringify({ augment: [{ type: 'flipHorizontl' }] }));
    expectOneLineError(
      run(['train', '--config', bad, '--print-config']),
      2,
      /config 'augment': Unknown augmentation step 'flipHorizontl'/,
    );
    writeFileSync(bad, JSON.stringify({ dropout: 2 }));
    expectOneLineError(
      run(['train', '--config', bad]),
      2,
      /config 'dropout' must be a number ≥ 0 and ≤ 0.99, got '2'/,
    );
    writeFileSync(bad, '{ not json');
    expectOneLineError(run(['train', '--config', bad]), 2, /is not valid JSON/);
    expectOneLineError(
      run(['train', '--augment', 'randomCrop']),
      2,
      /'randomCrop' changes the image size.*give it as JSON/,
    );
    // as JSON, a crop that does not come back to the model's size is refused before the model is built
    const crop = run([
      'train',
      '--limit',
      '100',
      '--augment',
      '[{"type":"randomCrop","params":{"size":[20,20]}}]',
    ]);
    expectOneLineError(
      crop,
      2,
      /--augment turns images of \[28, 28, 1\] into \[20, 20, 1\], and the model takes one/,
    );
    expect(crop.stdout).not.toMatch(/total params/);
  });
});

describe('diagnostics', () => {
  test("--diagnostics init,epoch: the lecture's 30-layer ReLU net with Xavier weights is flagged at init, every epoch, and as stalled with the initialisation first", () => {
    const hidden = Array.from({ length: 30 }, () => 32).join(',');
    const r = run([
      'train',
      '--limit',
      '2000',
      '--hidden',
      hidden,
      '--init',
      'glorotUniform',
      '--epochs',
      '2',
      '--diagnostics',
      'init,epoch',
      '--out',
      at('deep'),
      '--json',
    ]);
    const result = json<TrainResult>(r);
    expect(r.stderr).toMatch(/diagnostics at init: vanishing-gradient on \d+ layers/);
    expect(r.stderr.match(/^ {2}diagnostics: /gm)).toHaveLength(2);
    expect(r.stderr).toMatch(/flag changes \(init, epoch 1, epoch 2\):/);
    expect(r.stderr).toMatch(/training stalled by step \d+/);
    expect(result.stall?.reasons).toContain('accuracy at chance level');
    expect(result.stall?.causes[0]?.cause).toBe('initialization');
    const reports = JSON.parse(readFileSync(at('deep', 'diagnostics.json'), 'utf8')) as Array<{
      label: string;
    }>;
    expect(reports.map((report) => report.label)).toEqual(['init', 'epoch 1', 'epoch 2']);
    expectOneLineError(
      run(['train', '--diagnostics', 'sometimes']),
      2,
      /--diagnostics must be one of init, epoch, end/,
    );
  });
});

describe('bad input is exit 2, named, before anything trains', () => {
  test('unknown --activation and --init name the flag and list the known names; --out at a file fails at once', () => {
    expectOneLineError(
      run(['train', '--activation', 'nope']),
      2,
      /--activation: Unknown activation 'nope'\. Known activations: .*relu/,
    );
    expectOneLineError(
      run(['train', '--init', 'nope']),
      2,
      /--init: Unknown initializer 'nope'\. Known initializers: .*heNormal/,
    );
    const file = at('a-file');
    writeFileSync(file, 'x');
    const started = Date.now();
    expectOneLineError(run(['train', '--out', file]), 2, /--out '.*a-file' is a file/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('a folder dataset: other files are skipped with a count; a corrupt image is exit 2 naming it', async () => {
    const root = await writeImageClasses(at('folder'), { dark: 0.2, light: 0.8 });
    writeFileSync(path.join(root, 'dark', 'notes.txt'), 'not an image');
    writeFileSync(path.join(root, 'light', 'README.md'), '# not an image');
    const r = run([
      'train',
      '--dataset',
      root,
      '--model',
      'mlp',
      '--hidden',
      '8',
      '--epochs',
      '1',
      '--out',
      at('folder-run'),
      '--json',
    ]);
    json(r);
    expect(r.stderr).toMatch(
      /skipped 2 file\(s\) in '.*folder' that are not PNG or JPEG images: .*notes\.txt/,
    );
    writeFileSync(path.join(root, 'dark', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nbroken'));
    expectOneLineError(
      run(['train', '--dataset', root, '--epochs', '1', '--out', at('folder-run')]),
      2,
      /broken\.png/,
    );
  });

  test('a closed pipe (gradwell train | head -1) ends quietly with exit 0', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'train', '--limit', '600', '--hidden', '8', '--epochs', '2', '--out', at('pipe')],
      {
        cwd: scratch,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr.length).toBeLessThan(2000);
    expect(stderr).not.toMatch(/EPIPE|emscripten|Module/);
  });
});

describe('lr-find', () => {
  test('the learning-rate range test: an exponential sweep, the smoothed loss, a suggestion, a plot and JSON', () => {
    const r = run([
      'lr-find',
      '--limit',
      '2000',
      '--hidden',
      '32',
      '--steps',
      '60',
      '--out',
      at('lr'),
      '--json',
    ]);
    const sweep = json<{
      points: Array<{ learningRate: number; loss: number; smoothedLoss: number }>;
      suggested: number;
      minimum: { learningRate: number };
      files: string[];
    }>(r);
    expect(r.stderr).toMatch(/suggested learning rate: /);
    expect(sweep.points[0]?.learningRate).toBeCloseTo(1e-7, 12);
    const ratios = sweep.points
      .slice(1)
      .map((p, i) => p.learningRate / (sweep.points[i]?.learningRate as number));
    for (const ratio of ratios) expect(ratio).toBeCloseTo((10 / 1e-7) ** (1 / 59), 8);
    expect(sweep.suggested).toBeGreaterThan(1e-5);
    expect(sweep.suggested).toBeLessThanOrEqual(sweep.minimum.learningRate);
    expect(readFileSync(at('lr', 'lr-find.svg'), 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(at('lr', 'lr-find.json'), 'utf8'))).toMatchObject({
      suggested: sweep.suggested,
    });
    // The suggestion trains: a run with it learns.
    const trained = json<{ testAccuracy: number }>(
      run([
        'train',
        '--limit',
        '2000',
        '--hidden',
        '32',
        '--epochs',
        '1',
        '--lr',
        String(sweep.suggested),
        '--out',
        at('lr-run'),
        '--json',
      ]),
    );
    expect(trained.testAccuracy).toBeGreaterThan(0.6);
    expectOneLineError(
      run(['lr-find', '--min-lr', '1', '--max-lr', '0.1']),
      2,
      /--max-lr must be a number > 1/,
    );
    expectOneLineError(run(['lr-find', '--steps', '2']), 2, /--steps must be an integer ≥ 5/);
  });

  test('--accumulate: a point per update of the accumulated batch', () => {
    const args = 'lr-find --limit 2000 --hidden 32 --steps 20 --batch-size 32 --accumulate 4 --json';
    const r = run([...args.split(' '), '--out', at('lr-accumulate')]);
    const sweep = json<{ points: Array<{ learningRate: number }> }>(r);
    expect(r.stderr).toMatch(/batch 32 × 4 accumulated, 20 steps/);
    // 1 600 training digits: 50 batches of 32, 13 updates an epoch; the sweep runs into a second epoch
    expect(sweep.points).toHaveLength(20);
    expect(new Set(sweep.points.map((p) => p.learningRate)).size).toBe(20);
  });
});
