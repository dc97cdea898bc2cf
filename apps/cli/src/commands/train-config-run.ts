/** `gradwell train`'s options about the run rather than the training: plugins, checkpoints, diagnostics, output. */
import { choice, integer, list, text } from './option-values';
import { DIAGNOSTICS_WHEN, SAVE_BEST_METRICS, type OptionSpec } from './train-config-types';

export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'plugin',
    flag: '--plugin <module>',
    description: 'register the activation plugins a module exports (repeatable)',
    default: [],
    read: list,
    resumable: true,
    repeatable: true,
  },
  {
    key: 'checkpointDir',
    flag: '--checkpoint-dir <folder>',
    description: 'save a checkpoint after every epoch (atomically; Ctrl-C saves where it stopped)',
    read: text,
    resumable: true,
  },
  {
    key: 'keepCheckpoints',
    flag: '--keep-checkpoints <n>',
    description: 'keep only the last n checkpoints',
    read: integer(1),
    resumable: true,
  },
  {
    key: 'saveBest',
    flag: '--save-best <metric>',
    description: `also keep the best checkpoint by ${SAVE_BEST_METRICS.join(' | ')} (as best/)`,
    read: choice(SAVE_BEST_METRICS),
    resumable: true,
  },
  {
    key: 'diagnostics',
    flag: '--diagnostics <when,...>',
    description: 'per-layer diagnostics: init (before training), epoch (after each) and/or end',
    default: ['end'],
    read: (v, n) => list(v, n).map((w) => choice(DIAGNOSTICS_WHEN)(w, n)),
    resumable: true,
  },
  {
    key: 'out',
    flag: '--out <folder>',
    description: 'where config, history, plots, diagnostics and the model go',
    default: 'gradwell-run',
    read: text,
    resumable: true,
  },
];
