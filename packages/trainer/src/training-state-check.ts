/** A checkpoint's training.json, checked field by field before a run resumes from it. */
import type { TrainingState } from './training/fit-types';

/**
 * training.json checked field by field (a hand-edited or damaged file says what is wrong); `source` names
 * where the state came from in the errors.
 */
export function checkTrainingState(value: unknown, source = 'training.json'): TrainingState {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${source}: '${field}' must be ${expected}, got ${JSON.stringify(got)}.`);
  };
  const state = value as Partial<TrainingState> | null;
  if (state === null || typeof state !== 'object')
    throw new Error(`${source} must be an object, got ${JSON.stringify(value)}.`);
  const count = (field: 'epoch' | 'step') => {
    const v = state[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(field, 'a non-negative integer', v);
  };
  count('epoch');
  count('step');
  if (typeof state.seed !== 'number' || !Number.isInteger(state.seed)) fail('seed', 'an integer', state.seed);
  if (!Array.isArray(state.history) || state.history.length !== state.epoch)
    fail('history', `a list of ${String(state.epoch)} epochs' logs`, state.history);
  for (const [i, logs] of (state.history ?? []).entries())
    if (logs === null || typeof logs !== 'object' || Object.values(logs).some((v) => typeof v !== 'number'))
      fail(`history[${i}]`, 'an object of numbers', logs);
  if (state.layerRandomStates === null || typeof state.layerRandomStates !== 'object')
    fail('layerRandomStates', 'an object', state.layerRandomStates);
  const position = state.position;
  if (position !== undefined) {
    if (!Number.isInteger(position.batch) || position.batch < 1)
      fail('position.batch', 'a positive integer', position.batch);
    if (!Array.isArray(position.random?.words) || position.random.words.length !== 4)
      fail('position.random', 'a random state', position.random);
    const p = position.progress;
    if (
      p === null ||
      typeof p !== 'object' ||
      ['lossSum', 'correctSum', 'seen', 'seconds'].some(
        (k) => !Number.isFinite((p as unknown as Record<string, number>)[k]),
      )
    )
      fail('position.progress', "an epoch's figures", p);
    for (const key of ['batchSize', 'accumulate'] as const) {
      const v = position[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 1))
        fail(`position.${key}`, 'a positive integer', v);
    }
  }
  return state as TrainingState;
}
