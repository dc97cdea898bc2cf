/**
 * Build-time bridge to tfjs-core's own gradient definitions.
 *
 * tfjs-core 4.22 ships its gradient configs (`dist/gradients/*_grad.js`) only as ESM files with
 * extension-less relative imports, which Node's ESM loader refuses, and its Node entry registers none.
 * This esbuild plugin bundles those files into `dist/tfjs-gradient-configs.{js,cjs}` and rewires every
 * import they make into tfjs-core's *public* API (`@tensorflow/tfjs-core`, left external), so the result
 * runs in Node ESM, Node CJS and bundlers against the application's single copy of tfjs-core.
 *
 * Only the gradient files and the few internal gradient ops they call (e.g. `maxPoolGrad`, which just
 * runs the `MaxPoolGrad` kernel) are bundled; everything that holds state (engine, tensor class,
 * kernel registry) comes from the public entry.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';

const VIRTUAL_ENTRY = 'tfjs-core-gradients:all';
const NAMESPACE = 'tfjs-core-public';
const require = createRequire(import.meta.url);

/** Internal tfjs-core modules that are bundled as they are (they only call public ops and kernels). */
const BUNDLED_MODULES = new Set([
  'ops/avg_pool_3d_grad',
  'ops/avg_pool_grad',
  'ops/conv2d_backprop_filter',
  'ops/conv2d_backprop_input',
  'ops/conv3d_backprop_filter',
  'ops/conv3d_backprop_input',
  'ops/depthwise_conv2d_native_backprop_filter',
  'ops/depthwise_conv2d_native_backprop_input',
  'ops/local_response_normalization_backprop',
  'ops/max_pool_3d_grad',
  'ops/max_pool_grad',
  'gradients/min_max_grad_util',
]);

/**
 * Gradients that gradwell defines itself instead (see src/gradients/): `Prod` and `GatherV2` call chained
 * tensor methods (`x.reshape(...)`) that tfjs-core alone does not install; `BatchMatMul` ignores
 * broadcast batch dimensions; `MirrorPad` drops the gradient of the reflected borders.
 */
export const REPLACED_GRADIENTS = new Set([
  'Prod_grad',
  'GatherV2_grad',
  'BatchMatMul_grad',
  'MirrorPad_grad',
]);

/** Internal modules whose names tfjs-core exports under a namespace object rather than at the top level. */
const NAMESPACED_MODULES: Record<string, string> = {
  util: 'util',
  'ops/axis_util': 'backend_util',
  'ops/broadcast_util': 'backend_util',
  'ops/conv_util': 'backend_util',
  'ops/selu_util': 'backend_util',
  'ops/slice_util': 'slice_util',
};

function shimSource(moduleId: string): string {
  const header = `import * as tf from '@tensorflow/tfjs-core';\n`;
  const namespace = NAMESPACED_MODULES[moduleId];
  if (namespace !== undefined) {
    const tf = require('@tensorflow/tfjs-core') as Record<string, Record<string, unknown>>;
    const names = Object.keys(tf[namespace] ?? {});
    return header + names.map((name) => `export const ${name} = tf.${namespace}.${name};`).join('\n');
  }
  switch (moduleId) {
    case 'engine':
      return `${header}export const ENGINE = tf.engine();`;
    case 'tensor_util_env':
      return (
        header +
        `export function convertToTensor(x, argName, functionName, parseAsDtype = 'numeric') {\n` +
        `  if (x instanceof tf.Tensor) return x;\n` +
        `  return tf.tensor(x, undefined, parseAsDtype === 'numeric' ? undefined : parseAsDtype);\n` +
        `}`
      );
    default:
      return `export * from '@tensorflow/tfjs-core';`;
  }
}

export function tfjsGradientsPlugin(): Plugin {
  const coreDist = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')) + '/dist';
  return {
    name: 'tfjs-gradients',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${VIRTUAL_ENTRY}$`) }, () => ({
        path: VIRTUAL_ENTRY,
        namespace: 'tfjs-gradients-entry',
      }));
      build.onLoad({ filter: /.*/, namespace: 'tfjs-gradients-entry' }, () => {
        const files = readdirSync(`${coreDist}/gradients`)
          .filter((file) => file.endsWith('_grad.js'))
          .map((file) => file.slice(0, -'.js'.length))
          .filter((name) => !REPLACED_GRADIENTS.has(name))
          .sort();
        const imports = files.map(
          (name, i) => `import * as m${i} from ${JSON.stringify(`${coreDist}/gradients/${name}.js`)};`,
        );
        const configs = files.map(
          (_, i) =>
            `...Object.values(m${i}).filter((v) => v && typeof v === 'object' && 'kernelName' in v && 'gradFunc' in v)`,
        );
        return {
          contents: `${imports.join('\n')}\nexport const gradientConfigs = [${configs.join(',\n')}];\n`,
          resolveDir: coreDist,
          loader: 'js',
        };
      });
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(coreDist)) return undefined;
        const target = path.resolve(path.dirname(args.importer), args.path);
        const moduleId = path.relative(coreDist, target).replace(/\.js$/, '');
        if (moduleId.startsWith('gradients/') || BUNDLED_MODULES.has(moduleId)) {
          return { path: `${coreDist}/${moduleId}.js` };
        }
        return { path: moduleId, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: shimSource(args.path),
        loader: 'js',
      }));
    },
  };
}
