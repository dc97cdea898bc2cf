/**
 * `gradwell predict <model> <image...>`: classify image files with a trained model — each image read as
 * the training images were (RGB in [0, 1], resized bilinearly to the model's input; grey for a one-channel
 * model), the top classes with their probabilities, named after the run's dataset (MNIST's digits,
 * Fashion-MNIST's labels, a folder's sub-folders) or `--classes`.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { imageFolderClasses, loadImageFile, UnreadableImageError } from '@gradwell/datasets';
import { endsInSoftmax, FASHION_MNIST_LABELS, predict, probabilitiesAt, type Model } from '@gradwell/trainer';
import { CliError } from '../errors';
import { findModelJson, loadModelPlugins, readModel, runConfigOf } from '../model-source';
import { createOutput, percent, type Output } from '../output';
import { addPluginOption } from '../plugins';
import { integer, list, number } from './option-values';

/** ITU-R BT.601 luma weights; they sum to 1, so a grey file's pixels stay as they are. */
const LUMA = [0.299, 0.587, 0.114];

interface PredictFlags {
  top?: string;
  classes?: string;
  invert?: boolean;
  temperature?: string;
  plugin?: string[];
  json?: boolean;
}

/**
 * The names of a model's outputs: --classes, else those its model.json carries (`train` writes a dataset's
 * into `userDefinedMetadata.classNames`), else the run's dataset's, else the output indices.
 */
function classNames(
  outputs: number,
  given: string[] | undefined,
  json: Record<string, unknown>,
  run: ReturnType<typeof runConfigOf>,
  out: Output,
): string[] {
  const indices = Array.from({ length: outputs }, (_, i) => String(i));
  if (given !== undefined) {
    if (given.length !== outputs)
      throw new CliError(
        `--classes names ${given.length} classes, the model has ${outputs} outputs`,
        `give ${outputs} names, in label order`,
        2,
      );
    return given;
  }
  const carried = (json.userDefinedMetadata as { classNames?: unknown } | undefined)?.classNames;
  if (Array.isArray(carried) && carried.length === outputs && carried.every((n) => typeof n === 'string'))
    return carried;
  const dataset = run?.config.dataset as string | undefined; // a run's config names it (runConfigOf)
  if (dataset === 'fashion-mnist' && outputs === 10) return [...FASHION_MNIST_LABELS];
  if (dataset === undefined || dataset === 'mnist' || dataset === 'spirals') return indices;
  const folder = path.resolve(dataset);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const names = imageFolderClasses(folder);
    if (names.length === outputs) return names;
    out.warn(`'${dataset}' now holds ${names.length} classes, the model ${outputs}: classes by number`);
  } else out.warn(`the run's dataset '${dataset}' is gone: classes by number (or pass --classes)`);
  return indices;
}

/** Reads the images as the model takes them: [n, ...inputShape]. */
function readImages(files: string[], inputShape: number[], invert: boolean): tf.Tensor {
  const [h, w, c] =
    inputShape.length === 3 ? inputShape : [Math.sqrt(inputShape[0] ?? 0), Math.sqrt(inputShape[0] ?? 0), 1];
  return tf.tidy(() => {
    const images = files.map((file) => {
      let image: tf.Tensor3D;
      try {
        image = loadImageFile(file, [h as number, w as number]);
      } catch (error) {
        if (error instanceof UnreadableImageError)
          throw new CliError(error.message, 'give PNG or JPEG files', 2);
        throw error;
      }
      // grey for a one-channel model (tf.image.rgbToGrayscale needs Einsum, which wasm lacks)
      const channels = c === 1 ? tf.sum(tf.mul(image, tf.tensor1d(LUMA)), -1, true) : image;
      return invert ? tf.sub(1, channels) : channels;
    });
    return tf.reshape(tf.stack(images), [files.length, ...inputShape]);
  });
}

export function predictCommand(): Command {
  return addPluginOption(new Command('predict'))
    .description('classify image files with a trained model: the top classes and their probabilities')
    .argument('<model>', 'a gradwell train --out folder, a --checkpoint-dir folder, or a model.json')
    .argument('<images...>', 'PNG or JPEG files')
    .option('--top <k>', 'how many classes to show per image (default: 3)')
    .option(
      '--classes <names>',
      "the classes' names in label order, comma-separated (default: the run's dataset's)",
    )
    .option(
      '--invert',
      'use 1 − each pixel (dark ink on paper for a model of light digits on dark, as MNIST)',
    )
    .option(
      '--temperature <T>',
      'divide the logits by T before the softmax: the T that gradwell evaluate --fit-temperature reports (default: 1)',
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (source: string, files: string[], flags: PredictFlags) => {
      const out = createOutput({ json: flags.json });
      const top = integer(1)(flags.top ?? 3, '--top');
      const temperature = number({ min: 0, minInclusive: false })(flags.temperature ?? 1, '--temperature');
      const given = flags.classes === undefined ? undefined : list(flags.classes, '--classes');
      for (const file of files)
        if (!existsSync(file) || !statSync(file).isFile())
          throw new CliError(`predict: '${file}' is not a file`, 'give PNG or JPEG files', 2);
      const run = runConfigOf(await findModelJson(source, 'predict'), (text) => out.warn(text));
      await loadModelPlugins(flags.plugin, run);
      await setupBackend();
      const { model, file, json } = await readModel(source, 'predict');
      try {
        const inputShape = model.getConfig().inputShape as number[];
        const flatSide = inputShape.length === 1 ? Math.sqrt(inputShape[0] as number) : Number.NaN;
        const images =
          (inputShape.length === 3 && [1, 3].includes(inputShape[2] as number)) || Number.isInteger(flatSide);
        if (!images)
          throw new CliError(
            `predict: the model takes inputs of shape [${inputShape.join(', ')}], not images`,
            'give a model trained on images (grey or RGB)',
            2,
          );
        const outputs = model.computeOutputShape(inputShape).at(-1) as number;
        const names = classNames(outputs, given, json, run, out);
        const predictions = await classify(model, files, inputShape, flags.invert === true, names, {
          top,
          temperature,
        });
        // MNIST and Fashion-MNIST are light on a dark ground; a photo of ink on paper is the opposite
        const dataset = run?.config.dataset;
        const darkGround =
          dataset === 'mnist' ||
          dataset === 'fashion-mnist' ||
          (dataset === undefined && inputShape.join() === '28,28,1');
        const light = predictions.filter((p) => p.brightness > 0.5).map((p) => p.file);
        if (darkGround && flags.invert !== true && light.length > 0)
          out.warn(
            `${light.length === files.length ? 'every image is' : `${light.join(', ')}:`} mostly light, and the model learnt light strokes on a dark ground: --invert for dark ink on paper`,
          );
        out.line(out.color.bold(`gradwell predict — ${path.relative(process.cwd(), file)}`));
        out.table(
          ['image', ...Array.from({ length: Math.min(top, outputs) }, (_, i) => `#${i + 1}`)],
          predictions.map((p) => [p.file, ...p.top.map((t) => `${t.class} ${percent(t.probability, 1)}`)]),
        );
        out.result({
          model: file,
          classNames: names,
          temperature,
          predictions: predictions.map(({ file: f, top: t }) => ({ file: f, top: t })),
        });
      } finally {
        model.dispose();
      }
    });
}

/** Each file's top classes (in batches of 256 files) and mean brightness as read. */
async function classify(
  model: Model,
  files: string[],
  inputShape: number[],
  invert: boolean,
  names: string[],
  { top, temperature }: { top: number; temperature: number },
) {
  const results: Array<{
    file: string;
    brightness: number;
    top: Array<{ class: string; index: number; probability: number }>;
  }> = [];
  const fromLogits = !endsInSoftmax(model);
  for (let start = 0; start < files.length; start += 256) {
    const chunk = files.slice(start, start + 256);
    const x = readImages(chunk, inputShape, invert);
    const [values, indices, brightness] = tf.tidy(() => {
      const p = probabilitiesAt(predict(model, x), temperature, { fromLogits });
      const best = tf.topk(p, Math.min(top, p.shape[1] as number));
      const mean = tf.mean(tf.reshape(invert ? tf.sub(1, x) : x, [chunk.length, -1]), 1);
      return [best.values, best.indices, mean];
    });
    const [v, i, b] = await Promise.all([values.array(), indices.array(), brightness.data()]);
    tf.dispose([x, values, indices, brightness]);
    chunk.forEach((f, n) =>
      results.push({
        file: f,
        brightness: b[n] as number,
        top: (i as number[][])[n]!.map((index, k) => ({
          class: names[index] as string,
          index,
          probability: (v as number[][])[n]![k] as number,
        })),
      }),
    );
  }
  return results;
}
