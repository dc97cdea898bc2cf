/**
 * The one serialisation path for layers: each layer class declares its config fields once
 * (`defineLayerConfig`), and gets `write` (the plain-JSON `getConfig()`, nested objects serialised by
 * their registry names) and `read` (a config checked field by field — a missing or mistyped field, or
 * one the layer does not have, is an error naming it — with activations and initialisers resolved).
 * Range checks stay in the constructors, which run on every path.
 */
import {
  serializeActivation,
  serializeInitializer,
  type ActivationFunction,
  type Initializer,
  type ObjectResolvers,
  type SerializedObject,
} from '../contracts';
import { assertKnownOptions } from '../registry';
import { assertBoolean, GradwellArgumentError } from '../validation';

/** The kinds of value a layer config holds. */
export type ConfigFieldKind =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  /** A number or a pair of numbers ([height, width]). */
  | 'pair'
  /** An activation function, or none (null). */
  | 'activation'
  | 'initializer';

interface KindTypes {
  number: number;
  integer: number;
  boolean: boolean;
  string: string;
  pair: number | [number, number];
  activation: ActivationFunction | undefined;
  initializer: Initializer;
}

export interface ConfigField<K extends ConfigFieldKind = ConfigFieldKind, O extends boolean = boolean> {
  kind: K;
  /** May be absent from a config (the constructor's default applies). */
  optional: O;
}

/** A string field limited to some values. */
export interface ChoiceField<V extends string, O extends boolean> extends ConfigField<'string', O> {
  values: readonly V[];
}

type Fields = Record<string, ConfigField>;

type FieldType<F extends ConfigField> = F extends ChoiceField<infer V, boolean> ? V : KindTypes[F['kind']];

/** The constructor arguments a config reads into. */
export type LayerConfigArgs<F extends Fields> = { name: string } & {
  [K in keyof F]: F[K]['optional'] extends true ? FieldType<F[K]> | undefined : FieldType<F[K]>;
};

export interface LayerConfig<F extends Fields> {
  readonly className: string;
  readonly fields: F;
  /** `{ name, ...fields }` of a layer, as plain JSON. */
  write(layer: { readonly name: string }): Record<string, unknown>;
  /** Checks a config and turns it into constructor arguments. */
  read(config: unknown, resolvers?: ObjectResolvers): LayerConfigArgs<F>;
  /**
   * Checks a constructor's arguments for keys that are not fields (nor `name`): a JavaScript caller's
   * `{ activaton: 'relu' }` is an error naming the key and the nearest field, never ignored.
   */
  assertArgs(args: unknown): void;
}

/** A field every config must hold: `field('integer')`. */
export function field<K extends ConfigFieldKind>(kind: K): ConfigField<K, false> {
  return { kind, optional: false };
}

/** A field a config may leave out (the constructor's default applies): `optionalField('pair')`. */
export function optionalField<K extends ConfigFieldKind>(kind: K): ConfigField<K, true> {
  return { kind, optional: true };
}

/** An optional string field that takes one of `values`: `choiceField(['valid', 'same'])`. */
export function choiceField<V extends string>(values: readonly V[]): ChoiceField<V, true> {
  return { kind: 'string', values, optional: true };
}

const EXPECTED: Record<ConfigFieldKind, string> = {
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'true or false',
  string: 'a string',
  pair: 'a positive integer or a pair of them',
  activation: 'null or a serialised activation { className, config }',
  initializer: 'a serialised initialiser { className, config }',
};

function isSerialized(value: unknown): value is SerializedObject {
  const candidate = value as Partial<SerializedObject> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.className === 'string' &&
    (candidate.config === undefined || (typeof candidate.config === 'object' && candidate.config !== null))
  );
}

function isValid(spec: ConfigField, value: unknown): boolean {
  const { kind } = spec;
  const allowed = (spec as Partial<ChoiceField<string, boolean>>).values;
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (allowed === undefined || allowed.includes(value));
    case 'pair': {
      const values = Array.isArray(value) ? value : [value];
      return (
        values.length === (Array.isArray(value) ? 2 : 1) &&
        values.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)
      );
    }
    case 'activation':
      return value === null || isSerialized(value);
    case 'initializer':
      return isSerialized(value);
  }
}

function writeValue(kind: ConfigFieldKind, value: unknown): unknown {
  if (kind === 'activation')
    return value === undefined ? null : serializeActivation(value as ActivationFunction);
  if (kind === 'initializer') return serializeInitializer(value as Initializer);
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

function readValue(
  kind: ConfigFieldKind,
  value: unknown,
  resolvers: ObjectResolvers | undefined,
  context: string,
  key: string,
): unknown {
  if (kind !== 'activation' && kind !== 'initializer')
    return Array.isArray(value) ? [...(value as unknown[])] : value;
  if (value === null) return undefined;
  if (resolvers === undefined)
    throw new Error(`${context}: field '${key}' holds an object, and no resolvers were given to read it.`);
  const serialized = {
    className: (value as SerializedObject).className,
    config: (value as SerializedObject).config ?? {},
  };
  return kind === 'activation' ? resolvers.activation(serialized) : resolvers.initializer(serialized);
}

/** Declares a layer class's config once; see the module comment. */
export function defineLayerConfig<F extends Fields>(className: string, fields: F): LayerConfig<F> {
  const context = `${className} config`;
  return {
    className,
    fields,
    write(layer) {
      const config: Record<string, unknown> = { name: layer.name };
      for (const [key, spec] of Object.entries(fields)) {
        const value = (layer as Record<string, unknown>)[key];
        if (value === undefined && spec.optional && spec.kind !== 'activation') continue;
        config[key] = writeValue(spec.kind, value);
      }
      return config;
    },
    assertArgs(args) {
      assertKnownOptions(className, args, ['name', ...Object.keys(fields)]);
      // A flag given as 'yes' or 1 would be read as truthy (or, where `=== true` decides, as false).
      for (const [key, spec] of Object.entries(fields)) {
        const value = (args as Record<string, unknown>)[key];
        if (spec.kind === 'boolean' && value !== undefined) assertBoolean(className, key, value);
      }
    },
    read(config, resolvers) {
      if (config === null || typeof config !== 'object' || Array.isArray(config))
        throw new GradwellArgumentError(context, 'config', `an object of ${className}'s fields`, config);
      const given = config as Record<string, unknown>;
      const known = ['name', ...Object.keys(fields)];
      const unknown = Object.keys(given).filter((key) => !known.includes(key));
      if (unknown.length > 0)
        throw new Error(
          `${context}: unknown field '${unknown[0]}'; ${className} has ${known.map((k) => `'${k}'`).join(', ')}.`,
        );
      if (typeof given.name !== 'string' || given.name === '')
        throw new GradwellArgumentError(context, 'name', 'a non-empty string', given.name);
      const args: Record<string, unknown> = { name: given.name };
      for (const [key, spec] of Object.entries(fields)) {
        const value = given[key];
        if (value === undefined && (spec.optional || spec.kind === 'activation')) continue;
        if (!isValid(spec, value)) {
          const allowed = (spec as Partial<ChoiceField<string, boolean>>).values;
          const expected =
            allowed === undefined ? EXPECTED[spec.kind] : `one of ${allowed.map((v) => `'${v}'`).join(', ')}`;
          throw new GradwellArgumentError(context, key, expected, value);
        }
        args[key] = readValue(spec.kind, value, resolvers, context, key);
      }
      return args as LayerConfigArgs<F>;
    },
  };
}
