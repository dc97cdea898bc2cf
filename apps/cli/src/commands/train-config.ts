/**
 * Every option of `gradwell train`, in one table: its flag, its help, its default, how its value is read
 * and checked, and whether it may change when a run is resumed. The table makes the command's options,
 * reads `--config <file.json>` (flags given on the command line override it), and gives the resolved
 * `TrainConfig` that a run writes as `config.json` — `gradwell train --config <run>/config.json` repeats
 * the run exactly. The run's own options (plugins, checkpoints, diagnostics, output) are in
 * train-config-run.ts, the types in train-config-types.ts.
 */
import { OPTIMIZER_NAMES } from '@gradwell/trainer';
import { augmentPipeline, choice, decayOrMean, flag, integer, list, number, text } from './option-values';
import { RUN_OPTIONS } from './train-config-run';
import { LR_SCHEDULES, type OptionSpec } from './train-config-types';

export * from './train-config-types';

export const TRAIN_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'dataset',
    flag: '--dataset <name|folder>',
    description: 'mnist | fashion-mnist | spirals | a folder with one sub-folder of images per class',
    default: 'mnist',
    read: text,
  },
  {
    key: 'dataDir',
    flag: '--data-dir <folder>',
    description: 'where the Fashion-MNIST idx files are (default $GRADWELL_FASHION_MNIST_DIR)',
    read: text,
  },
  {
    key: 'limit',
    flag: '--limit <n>',
    description: 'use the first n training examples (and n/5 test examples)',
    read: integer(1),
  },
  {
    key: 'imageSize',
    flag: '--image-size <px>',
    description: 'side of the square images a folder dataset is resized to',
    default: 32,
    read: integer(4),
  },
  {
    key: 'model',
    flag: '--model <mlp|cnn|file.json>',
    description: 'a preset, or a model config JSON (Model#getConfig())',
    default: 'mlp',
    read: text,
  },
  {
    key: 'initFrom',
    flag: '--init-from <model.json|folder>',
    description: 'start from a trained model (gradwell, tfjs-layers or converted from Keras): fine-tune it',
    read: text,
  },
  {
    key: 'freeze',
    flag: '--freeze <layer,...>',
    description: 'with --init-from: keep these layers fixed (names as gradwell inspect lists them)',
    read: list,
  },
  {
    key: 'newHead',
    flag: '--new-head',
    description: "with --init-from: replace the last dense layer with a fresh one for this data's classes",
    default: false,
    read: flag,
  },
  {
    key: 'hidden',
    flag: '--hidden <units,...>',
    description: 'hidden layer widths of the mlp preset',
    default: [512, 256],
    read: (v, n) => list(v, n).map((h) => integer(1)(h, n)),
  },
  {
    key: 'init',
    flag: '--init <name>',
    description: 'kernel initialiser (default: the one that pairs with the activation)',
    read: text,
  },
  {
    key: 'activation',
    flag: '--activation <name>',
    description: 'hidden activation (a built-in or one from --plugin)',
    default: 'relu',
    read: text,
  },
  {
    key: 'batchnorm',
    flag: '--batchnorm',
    description: 'batch norm between each hidden layer and its activation',
    default: false,
    read: flag,
  },
  {
    key: 'meanOnlyBn',
    flag: '--mean-only-bn',
    description:
      'mean-only batch norm between each hidden layer and its activation: the batch mean subtracted, no division (Salimans & Kingma; pairs with --weight-norm)',
    default: false,
    read: flag,
  },
  {
    key: 'weightNorm',
    flag: '--weight-norm',
    description:
      'weight normalisation of the hidden layers (Salimans & Kingma), g and b set from 512 training examples so that each unit starts at mean 0, variance 1',
    default: false,
    read: flag,
  },
  {
    key: 'dropout',
    flag: '--dropout <rate>',
    description: 'dropout after each hidden dense layer',
    read: number({ min: 0, max: 0.99 }),
  },
  {
    key: 'dropConnect',
    flag: '--drop-connect <rate>',
    description: 'DropConnect on the hidden dense layers',
    read: number({ min: 0, max: 0.99 }),
  },
  { key: 'l1', flag: '--l1 <lambda>', description: 'L1 penalty on every kernel', read: number({ min: 0 }) },
  { key: 'l2', flag: '--l2 <lambda>', description: 'L2 penalty on every kernel', read: number({ min: 0 }) },
  {
    key: 'weightDecay',
    flag: '--weight-decay <lambda>',
    description:
      'decoupled weight decay (AdamW / SGDW; with --optimizer lars or lamb, inside its trust ratio)',
    read: number({ min: 0 }),
  },
  {
    key: 'labelSmoothing',
    flag: '--label-smoothing <epsilon>',
    description: 'label smoothing ε',
    read: number({ min: 0, max: 0.99 }),
  },
  {
    key: 'confidencePenalty',
    flag: '--confidence-penalty <beta>',
    description: 'confidence penalty β',
    read: number({ min: 0 }),
  },
  {
    key: 'augment',
    flag: '--augment <spec>',
    description:
      'augmentation: step names (flipHorizontal,randomErasing; each with p = ½), a JSON pipeline, or a .json file',
    read: augmentPipeline,
  },
  {
    key: 'earlyStopping',
    flag: '--early-stopping <patience>',
    description:
      'hold out 10% of the training set; stop when its loss has not improved for this many epochs, restoring the best weights',
    read: integer(0),
  },
  {
    key: 'epochs',
    flag: '--epochs <n>',
    description: 'epochs (a resumed run may go on for more)',
    default: 3,
    read: integer(1),
    resumable: true,
  },
  { key: 'batchSize', flag: '--batch-size <n>', description: 'batch size', default: 128, read: integer(1) },
  {
    key: 'accumulate',
    flag: '--accumulate <batches>',
    description:
      'gradient accumulation: one update from the gradients of this many batches (the updates of --batch-size × this, the memory of --batch-size); --lr schedules count updates',
    default: 1,
    read: integer(1),
  },
  {
    key: 'lr',
    flag: '--lr <rate>',
    description: "learning rate (default: the optimiser's)",
    read: number({ min: 0, minInclusive: false }),
  },
  {
    key: 'lrSchedule',
    flag: '--lr-schedule <name>',
    description: `${LR_SCHEDULES.join(' | ')} (one-cycle: up to --lr and down, as PyTorch's OneCycleLR; plateau: ÷10 when the validation loss stalls, see --lr-patience)`,
    default: 'constant',
    read: choice(LR_SCHEDULES),
  },
  {
    key: 'lrPatience',
    flag: '--lr-patience <epochs>',
    description:
      'with --lr-schedule plateau: epochs without a better validation loss (held-out 10% of the training set) before the rate is divided by 10',
    default: 2,
    read: integer(1),
  },
  {
    key: 'clipNorm',
    flag: '--clip-norm <norm>',
    description: 'clip gradients to this global norm',
    read: number({ min: 0, minInclusive: false }),
  },
  {
    key: 'average',
    flag: '--average <decay>',
    description:
      "average the weights over the steps: β of a moving average (e.g. 0.999), or 'mean' (Polyak–Ruppert, SWA); evaluation and the saved model use the averages",
    read: decayOrMean,
  },
  {
    key: 'averageFrom',
    flag: '--average-from <epoch>',
    description: 'with --average: the first epoch whose steps are averaged (default: 1)',
    read: integer(1),
  },
  {
    key: 'preciseBn',
    flag: '--precise-bn',
    description:
      "after training, re-estimate the batch-norm statistics over the training set with the final weights (PreciseBN; what --average's mean needs): the test figures and the saved model use them",
    default: false,
    read: flag,
    resumable: true,
  },
  {
    key: 'optimizer',
    flag: '--optimizer <name>',
    description: `${OPTIMIZER_NAMES.join(' | ')} (lars, lamb: momentum SGD / Adam with a per-layer trust ratio, for large batches)`,
    default: 'adam',
    read: choice(OPTIMIZER_NAMES),
  },
  {
    key: 'trustCoefficient',
    flag: '--trust-coefficient <eta>',
    description:
      "LARS's trust coefficient η (default 0.001): each weight matrix's rate is η·‖W‖/(‖∇W‖ + λ‖W‖) times --lr",
    read: number({ min: 0, minInclusive: false }),
  },
  {
    key: 'seed',
    flag: '--seed <n>',
    description: 'seed of weights, shuffling, dropout and augmentation',
    default: 1,
    read: integer(0),
  },
  ...RUN_OPTIONS,
];
