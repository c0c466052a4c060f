// The connector classes one process serves, found by Kafka Connect's alias rules.
import { PluginType, type PluginInfo } from "./gen/polyconnect/v1/connector.js";
import { SinkConnector, SinkTask, SourceConnector, SourceTask, pluginName, type ConnectorClass } from "./connector.js";
import { ConfigDef } from "./config.js";
import { Predicate, isTransformClass, type TransformClass } from "./transform.js";

/** The full class name, the simple name, or the simple name without a "Connector" suffix. */
export function classMatches(known: string, asked: string): boolean {
  if (known === asked) return true;
  const simple = (s: string) => s.slice(s.lastIndexOf(".") + 1);
  const strip = (s: string) => (s.endsWith("Connector") ? s.slice(0, -"Connector".length) : s);
  const k = simple(known);
  const a = simple(asked);
  return k === a || strip(k) === strip(a);
}

export class Plugins {
  readonly classes: ConnectorClass[];

  constructor(classes: (ConnectorClass | TransformClass)[]) {
    if (classes.length === 0) throw new TypeError("serve() needs at least one connector class");
    for (const cls of classes) {
      if (isTransformClass(cls)) {
        if (!(cls.config instanceof ConfigDef)) throw new TypeError(`${cls.name}.config must be a ConfigDef`);
        continue;
      }
      const source = cls.prototype instanceof SourceConnector;
      if (!source && !(cls.prototype instanceof SinkConnector)) throw new TypeError(`${cls.name} does not extend SourceConnector or SinkConnector`);
      const task = (cls as { taskClass?: unknown }).taskClass;
      const want = source ? SourceTask : SinkTask;
      if (typeof task !== "function" || !(task.prototype instanceof want)) throw new TypeError(`${cls.name}.taskClass must be a ${want.name} subclass`);
      if (!(cls.config instanceof ConfigDef)) throw new TypeError(`${cls.name}.config must be a ConfigDef`);
    }
    this.classes = classes as ConnectorClass[];
  }

  find(name: string, kind?: typeof SourceConnector | typeof SinkConnector): ConnectorClass | undefined {
    return this.classes.find(
      (c) => (!kind || c.prototype instanceof kind) && [pluginName(c), ...c.aliases].some((n) => classMatches(n, name)),
    );
  }

  /** A transformation or predicate class by name. */
  findTransform(name: string): TransformClass | undefined {
    const c = this.classes.find((c) => isTransformClass(c) && [pluginName(c), ...c.aliases].some((n) => classMatches(n, name)));
    return c as unknown as TransformClass | undefined;
  }

  names(): string {
    return this.classes.map(pluginName).join(", ");
  }

  static info(cls: ConnectorClass): PluginInfo {
    return {
      className: pluginName(cls),
      aliases: [...cls.aliases],
      type: isTransformClass(cls)
        ? cls.prototype instanceof Predicate
          ? PluginType.PREDICATE
          : PluginType.TRANSFORMATION
        : cls.prototype instanceof SourceConnector
          ? PluginType.SOURCE
          : PluginType.SINK,
      version: String(cls.version),
    };
  }
}
