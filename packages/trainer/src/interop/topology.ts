/**
 * The layers of a Keras-style topology (JavaScript spelling) as a stack: a `Sequential` (its config a
 * list, or `{ name, layers }`), with or without a leading `InputLayer`; or a functional model (`Model`,
 * `Functional`) whose graph is one chain from its input to its output. Anything with branches, several
 * inputs or outputs is refused, naming what was found.
 */
import { ModelFileError } from './model-file-error';

/** One layer of the stack: its class, name and config (JavaScript spelling). */
export interface LayerEntry {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

interface RawLayer {
  className?: unknown;
  name?: unknown;
  config?: Record<string, unknown>;
  inboundNodes?: unknown;
}

const SEQUENTIAL = new Set(['Sequential']);
const FUNCTIONAL = new Set(['Model', 'Functional']);

function entryOf(raw: RawLayer, index: number): LayerEntry {
  const config = raw.config ?? {};
  const name =
    typeof config.name === 'string' ? config.name : typeof raw.name === 'string' ? raw.name : `layer${index}`;
  if (typeof raw.className !== 'string')
    throw new ModelFileError('not-a-model', `layer ${index} ('${name}') has no class_name.`);
  return { className: raw.className, name, config };
}

/** The per-example input shape from a layer config (`batch_input_shape`, Keras 3's `batch_shape`, `input_shape`). */
function inputShapeOf(config: Record<string, unknown>): number[] | undefined {
  const batch = (config.batchInputShape ?? config.batchShape) as Array<number | null> | undefined;
  const shape =
    batch !== undefined ? batch.slice(1) : (config.inputShape as Array<number | null> | undefined);
  if (shape === undefined) return undefined;
  if (shape.some((d) => typeof d !== 'number' || d < 1))
    throw new ModelFileError(
      'not-a-model',
      `the input shape [${shape.join(', ')}] has unknown sizes; gradwell needs a fixed per-example shape.`,
    );
  return shape as number[];
}

/** The names of the layers feeding a functional layer (Keras's `inbound_nodes`). */
function inboundNames(raw: RawLayer): string[] {
  const nodes = (raw.inboundNodes ?? []) as unknown[];
  return nodes.flatMap((node) => {
    if (Array.isArray(node))
      return node.map((input) => (Array.isArray(input) ? String(input[0]) : String(input)));
    const args = (node as { args?: unknown[] }).args ?? [];
    return args.map((arg) =>
      String((arg as { config?: { keras_history?: unknown[] } }).config?.keras_history?.[0] ?? arg),
    );
  });
}

/** A functional graph as a chain of layers, or a named error. */
function chainOf(layers: RawLayer[], config: Record<string, unknown>): RawLayer[] {
  const named = new Map(layers.map((layer, i) => [entryOf(layer, i).name, layer]));
  const inputs = (config.inputLayers ?? []) as unknown[][];
  const outputs = (config.outputLayers ?? []) as unknown[][];
  if (inputs.length !== 1 || outputs.length !== 1)
    throw new ModelFileError(
      'not-sequential',
      `a functional model with ${inputs.length} input(s) and ${outputs.length} output(s); gradwell models take one input and give one output.`,
    );
  const consumers = new Map<string, string[]>();
  for (const layer of layers) {
    const name = entryOf(layer, 0).name;
    const from = inboundNames(layer);
    if (from.length > 1)
      throw new ModelFileError(
        'not-sequential',
        `a functional graph with branches: layer '${name}' (${String(layer.className)}) takes inputs from ${from.join(', ')}; gradwell models are a stack of layers.`,
      );
    for (const source of from) consumers.set(source, [...(consumers.get(source) ?? []), name]);
  }
  const chain: RawLayer[] = [];
  let current = String(inputs[0]?.[0]);
  for (;;) {
    const layer = named.get(current);
    if (layer === undefined)
      throw new ModelFileError('not-a-model', `the graph names a layer '${current}' it does not define.`);
    chain.push(layer);
    if (current === String(outputs[0]?.[0])) break;
    const next = consumers.get(current) ?? [];
    if (next.length !== 1)
      throw new ModelFileError(
        'not-sequential',
        `a functional graph with branches: the output of '${current}' goes to ${next.length === 0 ? 'no layer' : next.join(', ')}; gradwell models are a stack of layers.`,
      );
    current = next[0] as string;
  }
  if (chain.length !== layers.length)
    throw new ModelFileError(
      'not-sequential',
      `a functional graph with layers off its main path (${layers.length - chain.length}).`,
    );
  return chain;
}

/** The model's name, per-example input shape and its layers in order (InputLayer removed). */
export function sequentialLayers(topology: Record<string, unknown>): {
  name: string;
  inputShape: number[];
  entries: LayerEntry[];
} {
  const className = topology.className;
  const config = (topology.config ?? {}) as Record<string, unknown> | unknown[];
  let raw: RawLayer[];
  let name = 'model';
  if (typeof className === 'string' && SEQUENTIAL.has(className)) {
    raw = (Array.isArray(config) ? config : (config.layers as RawLayer[] | undefined)) as RawLayer[];
    if (!Array.isArray(config) && typeof config.name === 'string') name = config.name;
  } else if (typeof className === 'string' && FUNCTIONAL.has(className) && !Array.isArray(config)) {
    raw = chainOf((config.layers ?? []) as RawLayer[], config);
    if (typeof config.name === 'string') name = config.name;
  } else {
    throw new ModelFileError(
      'not-a-model',
      `the model's class_name is ${JSON.stringify(className)}; gradwell reads Sequential models and functional models that are one chain of layers.`,
    );
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ModelFileError('not-a-model', 'the model has no layers.');
  const entries = raw.map(entryOf);
  const first = entries[0] as LayerEntry;
  const inputShape = inputShapeOf(first.config);
  if (inputShape === undefined)
    throw new ModelFileError(
      'not-a-model',
      `the first layer ('${first.name}') gives no batch_input_shape: the model's input shape is unknown.`,
    );
  return { name, inputShape, entries: first.className === 'InputLayer' ? entries.slice(1) : entries };
}
