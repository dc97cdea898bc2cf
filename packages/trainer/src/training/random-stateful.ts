/** Layers that draw (dropout, DropConnect) and whose random state can be read and put back. */
import type { Layer, RandomState } from '@gradwell/core';

export interface RandomStateful {
  getRandomState(): RandomState;
  setRandomState(state: RandomState): void;
}

/** The layers among `layers` that keep a random state. */
export function randomStateful(layers: readonly Layer[]): Array<Layer & RandomStateful> {
  return layers.filter(
    (layer): layer is Layer & RandomStateful =>
      typeof (layer as Partial<RandomStateful>).getRandomState === 'function' &&
      typeof (layer as Partial<RandomStateful>).setRandomState === 'function',
  );
}
