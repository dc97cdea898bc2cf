/**
 * `gradwell export <run | checkpoint | model.json> --out <dir>`: the model in the TensorFlow.js layers
 * format (model.json + weights.bin) for tfjs-layers apps, or with `--keras` in Keras 2's standard classes
 * for the TensorFlow.js converter (refused, one line per layer, when a layer has no Keras form).
 */
import path from 'node:path';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { KerasExportError, saveModel } from '@gradwell/trainer';
import { CliError } from '../errors';
import { findModelJson, loadModelPlugins, readModel, runConfigOf } from '../model-source';
import { addPluginOption } from '../plugins';
import { createOutput } from '../output';

/** The TensorFlow.js converter command that turns an export into a Keras model. */
export function converterCommand(modelJson: string): string {
  return `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras ${modelJson} ${path.join(path.dirname(modelJson), 'model.h5')}`;
}

export function exportCommand(): Command {
  return addPluginOption(new Command('export'))
    .description(
      'write a trained model in the TensorFlow.js layers format (tf.loadLayersModel, the converter to Keras)',
    )
    .argument('<source>', 'a gradwell train --out folder, a --checkpoint-dir folder, or a model.json')
    .requiredOption('--out <folder>', 'where model.json and weights.bin go')
    .option(
      '--keras',
      "Keras 2's standard classes only (for tensorflowjs_converter → Keras); refuses layers Keras lacks",
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(
      async (source: string, flags: { out: string; keras?: boolean; json?: boolean; plugin?: string[] }) => {
        const out = createOutput({ json: flags.json });
        await setupBackend();
        const run = runConfigOf(await findModelJson(source, 'export'), (text) => out.warn(text));
        await loadModelPlugins(flags.plugin, run); // given, else the run's
        const { model, file, json } = await readModel(source, 'export');
        const folder = path.resolve(flags.out);
        try {
          await saveModel(model, `file://${folder}`, {
            target: flags.keras === true ? 'keras' : 'tfjs',
            metadata: json.userDefinedMetadata as Record<string, unknown> | undefined, // e.g. the class names
          });
        } catch (error) {
          if (error instanceof KerasExportError)
            throw new CliError(
              `the model in ${path.relative(process.cwd(), file)} cannot be exported for Keras:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`,
              'export without --keras for tfjs-layers (registerLayersInterop), or retrain with standard layers',
              1,
            );
          throw error;
        } finally {
          model.dispose();
        }
        const files = [path.join(folder, 'model.json'), path.join(folder, 'weights.bin')];
        out.line(
          `exported ${path.relative(process.cwd(), file)} → ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`,
        );
        if (flags.keras === true)
          out.line(`to Keras: ${converterCommand(path.relative(process.cwd(), files[0] as string))}`);
        else
          out.line(
            "in a tfjs-layers app: tf.loadLayersModel('…/model.json') (gradwell's own layers: registerLayersInterop(tf) first)",
          );
        out.result({ source: file, files, target: flags.keras === true ? 'keras' : 'tfjs' });
      },
    );
}
