// Connector configuration definitions, as Kafka's ConfigDef. A connector declares its keys
// once; the SDK serves them as the static spec (protocol rule 13), validates configs with
// them and parses them:
//
//   static config = new ConfigDef()
//     .define("url", { type: "STRING", importance: "HIGH", doc: "Where to POST" })
//     .define("batch.size", { type: "INT", default: 100, validator: Range.atLeast(1) });
//
// A key without `default` is required. Parsing follows Kafka's ConfigDef.parseType:
// strings are trimmed, BOOLEAN is true/false, LIST is comma-separated.
import {
  ConfigType,
  Importance as ImportanceProto,
  Width,
  type ConfigKey as ConfigKeyProto,
  type Validator as ValidatorProto,
} from "./gen/polyconnect/v1/connector.js";
import { ConfigError } from "./errors.js";

export type Type = "BOOLEAN" | "STRING" | "INT" | "SHORT" | "LONG" | "DOUBLE" | "LIST" | "CLASS" | "PASSWORD";
export type Importance = "HIGH" | "MEDIUM" | "LOW";
export type ConfigValue = string | number | boolean | string[] | null;

/** A check of a parsed value; throws ConfigError. */
export interface Validator {
  ensureValid(name: string, value: ConfigValue): void;
  /** The validator as the protocol describes it, so the core can apply it itself. */
  toProto?(): ValidatorProto;
}

export class Range implements Validator {
  constructor(readonly min?: number, readonly max?: number) {}
  static atLeast(min: number): Range {
    return new Range(min, undefined);
  }
  static between(min: number, max: number): Range {
    return new Range(min, max);
  }
  ensureValid(name: string, value: ConfigValue): void {
    if (value === null) return;
    const n = Number(value);
    if (this.min !== undefined && n < this.min) throw new ConfigError(`Invalid value ${value} for configuration ${name}: Value must be at least ${this.min}`);
    if (this.max !== undefined && n > this.max) throw new ConfigError(`Invalid value ${value} for configuration ${name}: Value must be no more than ${this.max}`);
  }
  toProto(): ValidatorProto {
    const description = this.max === undefined ? `[${this.min},...]` : this.min === undefined ? `[...,${this.max}]` : `[${this.min},...,${this.max}]`;
    return { kind: { $case: "range", value: { min: this.min, max: this.max } }, description };
  }
}

export class ValidString implements Validator {
  readonly allowed: string[];
  constructor(...allowed: string[]) {
    this.allowed = allowed;
  }
  ensureValid(name: string, value: ConfigValue): void {
    if (value === null || this.allowed.includes(String(value))) return;
    throw new ConfigError(`Invalid value ${value} for configuration ${name}: String must be one of: ${this.allowed.join(", ")}`);
  }
  toProto(): ValidatorProto {
    return { kind: { $case: "validString", value: { allowed: this.allowed, caseInsensitive: false } }, description: `[${this.allowed.join(", ")}]` };
  }
}

export class NonEmptyString implements Validator {
  ensureValid(name: string, value: ConfigValue): void {
    if (value === null || String(value).length === 0) throw new ConfigError(`Invalid value ${value ?? "null"} for configuration ${name}: String must be non-empty`);
  }
  toProto(): ValidatorProto {
    return { kind: { $case: "nonEmptyString", value: {} }, description: "non-empty string" };
  }
}

export interface KeyOptions {
  type: Type;
  /** No default: the key is required. `null`: optional without a value. */
  default?: ConfigValue;
  importance?: Importance;
  doc?: string;
  validator?: Validator;
  group?: string;
  orderInGroup?: number;
  displayName?: string;
}

export interface ConfigKey extends KeyOptions {
  name: string;
}

const TYPE: Record<Type, ConfigType> = {
  BOOLEAN: ConfigType.BOOLEAN_CONFIG,
  STRING: ConfigType.STRING_CONFIG,
  INT: ConfigType.INT_CONFIG,
  SHORT: ConfigType.SHORT_CONFIG,
  LONG: ConfigType.LONG_CONFIG,
  DOUBLE: ConfigType.DOUBLE_CONFIG,
  LIST: ConfigType.LIST_CONFIG,
  CLASS: ConfigType.CLASS_CONFIG,
  PASSWORD: ConfigType.PASSWORD_CONFIG,
};
const INT_RANGE: Partial<Record<Type, [number, number]>> = {
  INT: [-(2 ** 31), 2 ** 31 - 1],
  SHORT: [-(2 ** 15), 2 ** 15 - 1],
  LONG: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A value in its string form, as in a .properties file. */
export function formatValue(value: ConfigValue): string {
  if (value === null) return "";
  return Array.isArray(value) ? value.join(",") : String(value);
}

export class ConfigDef {
  readonly keys = new Map<string, ConfigKey>();

  define(name: string, options: KeyOptions): this {
    if (this.keys.has(name)) throw new Error(`configuration ${name} is defined twice`);
    if (options.default !== undefined && options.default !== null) {
      // Fail at definition time on a default that does not parse or validate.
      const parsed = parseValue(name, options.type, formatValue(options.default));
      options.validator?.ensureValid(name, parsed);
    }
    this.keys.set(name, { name, ...options });
    return this;
  }

  /** Parses and validates `config`; throws ConfigError naming the first bad key. */
  parse(config: Record<string, string>): Record<string, ConfigValue> {
    const errors = this.validate(config);
    for (const [, errs] of errors) if (errs.length) throw new ConfigError(errs[0]!);
    const out: Record<string, ConfigValue> = {};
    for (const key of this.keys.values()) out[key.name] = this.value(key, config);
    return out;
  }

  /** Every defined key with its errors (empty when valid). */
  validate(config: Record<string, string>): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const key of this.keys.values()) {
      const errs: string[] = [];
      try {
        const v = this.value(key, config);
        key.validator?.ensureValid(key.name, v);
      } catch (e) {
        errs.push(e instanceof Error ? e.message : String(e));
      }
      out.set(key.name, errs);
    }
    return out;
  }

  private value(key: ConfigKey, config: Record<string, string>): ConfigValue {
    const raw = config[key.name];
    if (raw === undefined) {
      if (key.default === undefined) throw new ConfigError(`Missing required configuration "${key.name}" which has no default value.`);
      return key.default;
    }
    return parseValue(key.name, key.type, raw);
  }

  /** The keys as the protocol's ConfigKey list (the static spec). */
  toProto(): ConfigKeyProto[] {
    return [...this.keys.values()].map((k) => ({
      name: k.name,
      type: TYPE[k.type],
      defaultValue: k.default === undefined ? undefined : formatValue(k.default),
      importance: k.importance === "HIGH" ? ImportanceProto.HIGH : k.importance === "LOW" ? ImportanceProto.LOW : ImportanceProto.MEDIUM,
      documentation: k.doc ?? "",
      group: k.group ?? "",
      orderInGroup: k.orderInGroup ?? 0,
      width: Width.NONE,
      displayName: k.displayName ?? k.name,
      dependents: [],
      validator: k.validator?.toProto?.(),
      secret: k.type === "PASSWORD",
    }));
  }
}

function parseValue(name: string, type: Type, raw: string): ConfigValue {
  const s = raw.trim();
  const bad = (what: string) => new ConfigError(`Invalid value ${raw} for configuration ${name}: ${what}`);
  switch (type) {
    case "BOOLEAN":
      if (s.toLowerCase() === "true") return true;
      if (s.toLowerCase() === "false") return false;
      throw bad("Expected value to be either true or false");
    case "INT":
    case "SHORT":
    case "LONG": {
      const [lo, hi] = INT_RANGE[type]!;
      if (!/^[+-]?\d+$/.test(s)) throw bad("Not a number of type " + type);
      const n = Number(s);
      if (n < lo || n > hi) throw bad("Not a number of type " + type);
      return n;
    }
    case "DOUBLE": {
      const n = Number(s);
      if (s === "" || Number.isNaN(n)) throw bad("Not a number of type DOUBLE");
      return n;
    }
    case "LIST":
      return s === "" ? [] : s.split(/\s*,\s*/);
    case "PASSWORD":
      return raw; // secrets are taken as given
    default:
      return s;
  }
}
