/**
 * Ctrl-C during `gradwell train`: the first asks the run to stop where it can resume from (after this
 * batch, or after this group's update with --accumulate) and save its checkpoint; a second quits at once.
 */
import type { TrainingCallback } from '@gradwell/core';
import type { Output } from '../output';

export interface Interrupt {
  /** Whether Ctrl-C was pressed. */
  readonly interrupted: boolean;
  /** Asks the run to stop once Ctrl-C was pressed (the loop stops where it may). */
  readonly callback: TrainingCallback;
  /** Stops listening for Ctrl-C. */
  release(): void;
}

export function listenForInterrupt(out: Output, accumulate: number): Interrupt {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    const after = accumulate > 1 ? "this group's update" : 'this batch';
    out.warn(`interrupted: stopping after ${after} (Ctrl-C again to quit at once)`);
  };
  process.on('SIGINT', onSigint);
  return {
    get interrupted() {
      return interrupted;
    },
    callback: {
      onBatchEnd: (_b, _l, context) =>
        interrupted ? context.requestStop('interrupted (Ctrl-C)') : undefined,
    },
    release: () => process.off('SIGINT', onSigint),
  };
}
