/**
 * `gradwell augment <image>`: N augmented variants of an image through a pipeline (PNG or JPEG files)
 * and a contact sheet (the original, then the variants, in a grid).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import jpeg from 'jpeg-js';
import { setupBackend } from '@gradwell/core';
import { compose, tensorToImageData, type StepSpec } from '@gradwell/augment';
import { decodeImage, encodePng } from '@gradwell/augment/node';
import { checkOutFolder, CliError, choiceFlag, numberFlag } from '../errors';
import { contactSheet } from '../contact-sheet';
import { createOutput } from '../output';
import { parsePipelineSpec } from '../pipeline-spec';

const DEFAULT_PIPELINE: StepSpec[] = [
  { type: 'flipHorizontal', p: 0.5 },
  { type: 'randomResizedCrop', params: { size: [224, 224] } },
  { type: 'colorJitter', params: { brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.05 } },
];

function parsePipeline(spec: string | undefined): StepSpec[] {
  return spec === undefined ? DEFAULT_PIPELINE : parsePipelineSpec('--pipeline', spec).steps;
}

function encode(image: tf.Tensor, format: 'png' | 'jpg'): Buffer {
  if (format === 'png') return encodePng(image);
  const { data, width, height } = tensorToImageData(image);
  return jpeg.encode({ data: Buffer.from(data.buffer, data.byteOffset, data.length), width, height }, 90)
    .data;
}

export function augmentCommand(): Command {
  return new Command('augment')
    .description('write augmented variants of an image and a contact sheet')
    .argument('<image>', 'a PNG or JPEG file')
    .option(
      '--pipeline <spec>',
      'step names (flipHorizontal,grayscale), a JSON pipeline, or a .json file (default: flip + random resized crop 224 + colour jitter)',
    )
    .option('--count <n>', 'variants to write', '8')
    .option('--out <folder>', 'where the files go', 'gradwell-augment')
    .option('--format <png|jpg>', 'file format of the variants', 'png')
    .option('--seed <n>', 'seed of the pipeline', '1')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      async (
        file: string,
        flags: {
          pipeline?: string;
          count: string;
          out: string;
          format: string;
          seed: string;
          json?: boolean;
        },
      ) => {
        const out = createOutput({ json: flags.json });
        const count = numberFlag('--count', flags.count, { min: 1, max: 256, integer: true }) as number;
        const seed = numberFlag('--seed', flags.seed, { min: 0, integer: true }) as number;
        const format = choiceFlag('--format', flags.format, ['png', 'jpg'] as const) as 'png' | 'jpg';
        const steps = parsePipeline(flags.pipeline);
        checkOutFolder(flags.out, 'the variants and the contact sheet');
        if (!existsSync(file))
          throw new CliError(`the image '${file}' does not exist`, 'pass a PNG or JPEG file', 2);
        await setupBackend();
        let image: tf.Tensor3D;
        try {
          image = decodeImage(readFileSync(file));
        } catch (error) {
          throw new CliError(`cannot read '${file}': ${(error as Error).message}`, 'pass a PNG or JPEG file');
        }
        let pipeline;
        try {
          pipeline = compose(steps, { seed });
        } catch (error) {
          image.dispose();
          throw new CliError(`--pipeline: ${(error as Error).message}`, 'see gradwell augment --help', 2);
        }
        mkdirSync(flags.out, { recursive: true });
        const files: string[] = [];
        const variants = tf.tidy(() => {
          const batch = tf.stack(Array.from({ length: count }, () => image)) as tf.Tensor4D;
          return tf.clipByValue(pipeline.apply(batch), 0, 1) as tf.Tensor4D;
        });
        const [, h, w, c] = variants.shape;
        for (let i = 0; i < count; i++) {
          const one = tf.tidy(() => tf.squeeze(tf.slice(variants, [i, 0, 0, 0], [1, h, w, c]), [0]));
          const name = path.join(flags.out, `variant-${String(i + 1).padStart(3, '0')}.${format}`);
          writeFileSync(name, encode(one, format));
          files.push(name);
          one.dispose();
        }
        // Contact sheet: the original (resized to the variants' size) then the variants, 4 per row.
        const sheet = tf.tidy(() => {
          const resized = tf.image.resizeBilinear(image, [h, w]);
          const original = c === 3 ? resized : tf.mean(resized, -1, true);
          return contactSheet(tf.concat([tf.expandDims(original, 0), variants]) as tf.Tensor4D, {
            columns: 4,
          });
        });
        const sheetFile = path.join(flags.out, 'contact-sheet.png');
        writeFileSync(sheetFile, encodePng(sheet));
        files.push(sheetFile);
        tf.dispose([sheet, variants, image]);
        out.line(`pipeline (seed ${seed}): ${pipeline.describe().join(' → ')}`);
        out.line(`wrote ${count} variants (${w}×${h}) and a contact sheet to ${flags.out}`);
        out.result({ pipeline: pipeline.toJSON(), width: w, height: h, files });
      },
    );
}
