/**
 * Keras's spelling of configs: snake_case keys and string values in the files (`kernel_initializer`,
 * `hard_sigmoid`, `fan_avg`), camelCase in JavaScript — the same conversion tfjs-layers applies when it
 * saves (`convertTsToPythonic`) and loads (`convertPythonicToTs`), so a file reads the same in both.
 * Layer and model names (`name` values) and class names are never converted.
 */

/** `kernelInitializer` → `kernel_initializer`, `hardSigmoid` → `hard_sigmoid` (tfjs-layers' toSnakeCase). */
export function toSnakeCase(identifier: string): string {
  const intermediate = identifier.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `kernel_initializer` → `kernelInitializer` (tfjs-layers' toCamelCase). */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/_+(\w|$)/g, (_match, next: string) => next.toUpperCase());
}

/** Functional graphs name layers inside these lists (the first item of each entry): names stay as they are. */
const NAME_LISTS = new Set([
  'inboundNodes',
  'inputLayers',
  'outputLayers',
  'inbound_nodes',
  'input_layers',
  'output_layers',
]);

const isLayerName = (key: string | undefined, index: number, item: unknown) =>
  key !== undefined && NAME_LISTS.has(key) && index === 0 && typeof item === 'string';

/** A JavaScript-style config written the way Keras (and tfjs-layers' files) spell it. */
export function toPythonic(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return key === 'name' || key === 'className' ? value : toSnakeCase(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value))
    return (value as unknown[]).map((item, i) => (isLayerName(key, i, item) ? item : toPythonic(item, key)));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [toSnakeCase(k), toPythonic(v, k)]),
  );
}

/** A Keras-spelled config (from a file) in JavaScript spelling. */
export function fromPythonic(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return key === 'name' ? value : toCamelCase(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value))
    return (value as unknown[]).map((item, i) =>
      isLayerName(key, i, item) ? item : fromPythonic(item, key),
    );
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const camel = toCamelCase(k);
      return [camel, fromPythonic(v, camel)];
    }),
  );
}
