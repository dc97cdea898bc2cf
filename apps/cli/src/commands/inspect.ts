/**
 * `gradwell inspect <model.json | folder>`: what a model file holds — format, who wrote it, the layers with
 * their output shapes and parameters, whether tfjs-layers needs gradwell's classes for it, and whether it
 * exports to Keras as it is.
 */
import path from 'node:path';
import { Command } from 'commander';
import { setupBackend } from '@gradwell/core';
import { GRADWELL_LAYER_CLASSES, KerasExportError, writeLayersModel } from '@gradwell/trainer';
import { findModelJson, loadModelPlugins, readModel, runConfigOf } from '../model-source';
import { addPluginOption } from '../plugins';
import { createOutput } from '../output';

/** The tfjs-layers classes of a topology that only gradwell's registerLayersInterop provides. */
function gradwellClassesIn(json: Record<string, unknown>): string[] {
  const text = JSON.stringify(json.modelTopology ?? {});
  return [...GRADWELL_LAYER_CLASSES, 'GradwellActivation'].filter((name) => text.includes(`"${name}"`));
}

/** A model.json field as text ('?' when absent or not text). */
function describe(value: unknown): string {
  return typeof value === 'string' ? value : '?';
}

export function inspectCommand(): Command {
  return addPluginOption(new Command('inspect'))
    .description(
      'show what a model file holds: layers, shapes, parameters, tfjs-layers and Keras compatibility',
    )
    .argument(
      '<model>',
      'a model.json (gradwell, tfjs-layers or converted from Keras), a run or a checkpoint folder',
    )
    .option('--json', 'print the report as JSON on stdout')
    .action(async (source: string, flags: { json?: boolean; plugin?: string[] }) => {
      const out = createOutput({ json: flags.json });
      await setupBackend();
      const run = runConfigOf(await findModelJson(source, 'inspect'), (text) => out.warn(text));
      await loadModelPlugins(flags.plugin, run); // given, else the run's
      const { model, file, json } = await readModel(source, 'inspect');
      try {
        const summary = model.summary();
        const needs = gradwellClassesIn(json);
        let keras: string[] = [];
        try {
          await writeLayersModel(model, { target: 'keras' });
        } catch (error) {
          if (!(error instanceof KerasExportError)) throw error;
          keras = error.problems;
        }
        out.line(out.color.bold(path.relative(process.cwd(), file)));
        out.line(
          `format ${describe(json.format)}, written by ${describe(json.generatedBy ?? json.convertedBy)}`,
        );
        out.line(summary.text);
        out.line(
          needs.length === 0
            ? 'tfjs-layers: loads with tf.loadLayersModel as it is'
            : `tfjs-layers: needs registerLayersInterop(tf) for ${needs.join(', ')}`,
        );
        out.line(
          keras.length === 0 ? 'Keras: exports as it is (gradwell export --keras)' : 'Keras: not as it is —',
        );
        for (const problem of keras) out.line(`  - ${problem}`);
        out.result({
          file,
          format: json.format,
          generatedBy: json.generatedBy,
          name: summary.name,
          inputShape: summary.inputShape,
          layers: summary.rows,
          totalParams: summary.totalParams,
          trainableParams: summary.trainableParams,
          tfjsLayers: { needsGradwellClasses: needs },
          keras: { exportable: keras.length === 0, problems: keras },
        });
      } finally {
        model.dispose();
      }
    });
}
