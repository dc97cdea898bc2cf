/**
 * `gradwell train --init-from`: fine-tuning. The starting model comes from a file (gradwell, tfjs-layers or
 * the TensorFlow.js converter); `--freeze` keeps layers fixed, `--new-head` gives it a fresh output layer
 * for this data's classes (transfer learning's recipe).
 */
import { createRandom } from '@gradwell/core';
import { freezeLayers } from '@gradwell/init';
import { dense, model as makeModel, type Model } from '@gradwell/trainer';
import { CliError } from '../errors';
import { readModel } from '../model-source';
import type { TrainConfig } from './train-config';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The model to fine-tune, checked against the data (input shape, classes), frozen and re-headed as asked. */
export async function startingModel(
  flags: TrainConfig,
  inputShape: number[],
  classes: number,
): Promise<Model> {
  const seed = flags.seed;
  if (flags.model !== 'mlp')
    throw new CliError(
      '--init-from and --model exclude each other',
      'drop --model: the model comes from the file',
      2,
    );
  const { model } = await readModel(flags.initFrom as string, '--init-from');
  let result = model;
  try {
    const given = model.getConfig().inputShape as number[];
    if (!sameShape(given, inputShape))
      throw new CliError(
        `--init-from: the model takes examples of shape [${given.join(', ')}], the data has [${inputShape.join(', ')}]`,
        'use data of the model’s input shape (--image-size for folders)',
        2,
      );
    if (flags.newHead) {
      const last = model.layers.at(-1);
      if (last?.className !== 'Dense')
        throw new CliError('--new-head: the model does not end in a dense layer', 'drop --new-head', 2);
      const kept = model.layers.slice(0, -1);
      result = makeModel([...kept, dense({ units: classes, name: 'head' })], { name: model.name });
      result.build(inputShape, createRandom(seed));
      last.dispose();
    }
    const outputs = result.computeOutputShape(inputShape);
    if (outputs.length !== 1 || outputs[0] !== classes)
      throw new CliError(
        `--init-from: the model outputs [${outputs.join(', ')}], the data has ${classes} classes`,
        'add --new-head to replace its output layer',
        2,
      );
    if (flags.freeze !== undefined) {
      const names = flags.freeze;
      const known = result.layers.map((layer) => layer.name);
      const unknown = names.filter((name) => !known.includes(name));
      if (unknown.length > 0)
        throw new CliError(
          `--freeze: no layer '${unknown[0]}'; the model has ${known.join(', ')}`,
          'see gradwell inspect',
          2,
        );
      freezeLayers(result, names);
    }
    return result;
  } catch (error) {
    result.dispose();
    throw error;
  }
}
