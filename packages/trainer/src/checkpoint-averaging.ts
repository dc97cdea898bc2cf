/**
 * The files of a run that averages its weights (see training/weight-averaging.ts): `averaging.json` (decay,
 * startEpoch, the steps averaged, the weights' manifest) and `averaging.bin` (the training weights). The
 * checkpoint's model holds the averages.
 */
import type { io } from '@tensorflow/tfjs-core';
import { type NamedTensorMap } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type Sequential } from '@gradwell/core';
import { decodeTensors } from './checkpoint-legacy';
import { encodeTensors, jsonFile, readJson, type CheckpointFiles } from './checkpoint-files';
import type { AveragingState } from './training/weight-averaging';

/** The averaging files of a checkpoint whose model is `model` (checked: settings, and every weight's shape). */
export async function encodeAveraging(
  averaging: AveragingState,
  model: Sequential,
): Promise<CheckpointFiles> {
  const { decay, startEpoch, count, live } = checkAveraging(averaging, model);
  const { data, specs } = await encodeTensors(
    Object.fromEntries(model.weights.map((w) => [w.name, live[w.name]])) as NamedTensorMap,
  );
  return new Map([
    ['averaging.json', jsonFile({ decay, startEpoch, count, weights: specs })],
    ['averaging.bin', data],
  ]);
}

/** An averaging state to save: its settings, and the training weights of every weight of the model. */
function checkAveraging(averaging: AveragingState, model: Sequential): AveragingState {
  const { decay, startEpoch, count, live } = averaging ?? {};
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new GradwellArgumentError('saveCheckpoint', `content.averaging.${field}`, expected, got);
  };
  if (decay !== 'mean' && !(typeof decay === 'number' && decay > 0 && decay < 1))
    fail('decay', "a number in (0, 1) or 'mean'", decay);
  for (const [field, n] of [
    ['startEpoch', startEpoch],
    ['count', count],
  ] as const)
    if (!Number.isInteger(n) || n < 0) fail(field, 'a non-negative integer', n);
  if (live === null || typeof live !== 'object') fail('live', 'the training weights by name', live);
  for (const w of model.weights)
    if (live[w.name]?.shape.join(',') !== w.variable.shape.join(','))
      fail(`live['${w.name}']`, `a tensor of shape [${w.variable.shape.join(', ')}]`, live[w.name]?.shape);
  return averaging;
}

export function readAveraging(files: CheckpointFiles): AveragingState | undefined {
  if (!files.has('averaging.json')) return undefined;
  const { decay, startEpoch, count, weights } = readJson<{
    decay: number | 'mean';
    startEpoch: number;
    count: number;
    weights: io.WeightsManifestEntry[];
  }>(files, 'averaging.json');
  const valid =
    (decay === 'mean' || (typeof decay === 'number' && decay > 0 && decay < 1)) &&
    [startEpoch, count].every((n) => Number.isInteger(n) && n >= 0) &&
    Array.isArray(weights);
  if (!valid)
    throw new Error(
      "checkpoint: 'averaging.json' must hold decay (in (0, 1) or 'mean'), startEpoch, count and weights, got " +
        `${JSON.stringify({ decay, startEpoch, count })}.`,
    );
  return {
    decay,
    startEpoch,
    count,
    live: decodeTensors(files.get('averaging.bin'), weights, 'averaging.bin'),
  };
}
