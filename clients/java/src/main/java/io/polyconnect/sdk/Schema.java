package io.polyconnect.sdk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kafka Connect schema: a type, optional or not, with an optional name, version, doc,
 * parameters and default; MAP has key and value schemas, ARRAY a value schema, STRUCT
 * fields. Immutable and compared structurally. Logical types are named schemas, as in
 * Kafka Connect ({@link #decimal(int)}, {@link #DATE}, {@link #TIME}, {@link #TIMESTAMP}),
 * and their values are {@link BigDecimal} and {@link java.util.Date}.
 */
public final class Schema {
  public enum Type { INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES, ARRAY, MAP, STRUCT }

  public record Field(String name, int index, Schema schema) {}

  public static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  public static final String DATE_NAME = "org.apache.kafka.connect.data.Date";
  public static final String TIME_NAME = "org.apache.kafka.connect.data.Time";
  public static final String TIMESTAMP_NAME = "org.apache.kafka.connect.data.Timestamp";
  public static final String SCALE = "scale";

  public static final Schema INT8 = of(Type.INT8), INT16 = of(Type.INT16), INT32 = of(Type.INT32),
      INT64 = of(Type.INT64), FLOAT32 = of(Type.FLOAT32), FLOAT64 = of(Type.FLOAT64),
      BOOLEAN = of(Type.BOOLEAN), STRING = of(Type.STRING), BYTES = of(Type.BYTES);
  public static final Schema OPTIONAL_INT8 = of(Type.INT8).optional(), OPTIONAL_INT16 = of(Type.INT16).optional(),
      OPTIONAL_INT32 = of(Type.INT32).optional(), OPTIONAL_INT64 = of(Type.INT64).optional(),
      OPTIONAL_FLOAT32 = of(Type.FLOAT32).optional(), OPTIONAL_FLOAT64 = of(Type.FLOAT64).optional(),
      OPTIONAL_BOOLEAN = of(Type.BOOLEAN).optional(), OPTIONAL_STRING = of(Type.STRING).optional(),
      OPTIONAL_BYTES = of(Type.BYTES).optional();
  public static final Schema DATE = of(Type.INT32).name(DATE_NAME).version(1);
  public static final Schema TIME = of(Type.INT32).name(TIME_NAME).version(1);
  public static final Schema TIMESTAMP = of(Type.INT64).name(TIMESTAMP_NAME).version(1);

  private final Type type;
  private final boolean optional;
  private final Object defaultValue;
  private final String name;
  private final Integer version;
  private final String doc;
  private final Map<String, String> parameters;
  private final Schema keySchema;
  private final Schema valueSchema;
  private final List<Field> fields;
  private final Map<String, Field> byName;
  private int hash;

  private Schema(Type type, boolean optional, Object defaultValue, String name, Integer version, String doc,
                 Map<String, String> parameters, Schema keySchema, Schema valueSchema, List<Field> fields) {
    this.type = Objects.requireNonNull(type, "type");
    this.optional = optional;
    this.defaultValue = defaultValue;
    this.name = name;
    this.version = version;
    this.doc = doc;
    this.parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.keySchema = keySchema;
    this.valueSchema = valueSchema;
    this.fields = fields == null ? List.of() : List.copyOf(fields);
    Map<String, Field> idx = new LinkedHashMap<>();
    for (Field f : this.fields) {
      idx.put(f.name(), f);
    }
    this.byName = idx;
  }

  /** A required schema of a primitive type (or STRUCT without fields). */
  public static Schema of(Type type) {
    return new Schema(type, false, null, null, null, null, null, null, null, null);
  }

  public static Schema array(Schema valueSchema) {
    return new Schema(Type.ARRAY, false, null, null, null, null, null, null, Objects.requireNonNull(valueSchema), null);
  }

  public static Schema map(Schema keySchema, Schema valueSchema) {
    return new Schema(Type.MAP, false, null, null, null, null, null, Objects.requireNonNull(keySchema),
        Objects.requireNonNull(valueSchema), null);
  }

  /** A struct schema; add fields with {@link #field(String, Schema)}. */
  public static Schema struct() {
    return of(Type.STRUCT);
  }

  /** Kafka Connect's Decimal logical type with the given scale. */
  public static Schema decimal(int scale) {
    return of(Type.BYTES).name(DECIMAL).version(1).parameter(SCALE, Integer.toString(scale));
  }

  private Schema with(boolean optional, Object def, String name, Integer version, String doc,
                      Map<String, String> params, List<Field> fields) {
    return new Schema(type, optional, def, name, version, doc, params, keySchema, valueSchema, fields);
  }

  public Schema optional() { return with(true, defaultValue, name, version, doc, parameters, fields); }
  public Schema required() { return with(false, defaultValue, name, version, doc, parameters, fields); }
  public Schema defaultValue(Object v) { return with(optional, v, name, version, doc, parameters, fields); }
  public Schema name(String n) { return with(optional, defaultValue, n, version, doc, parameters, fields); }
  public Schema version(Integer v) { return with(optional, defaultValue, name, v, doc, parameters, fields); }
  public Schema doc(String d) { return with(optional, defaultValue, name, version, d, parameters, fields); }

  public Schema parameter(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(parameters);
    p.put(key, value);
    return with(optional, defaultValue, name, version, doc, p, fields);
  }

  public Schema parameters(Map<String, String> params) {
    return with(optional, defaultValue, name, version, doc, params, fields);
  }

  /** A copy of this STRUCT schema with one more field. */
  public Schema field(String fieldName, Schema schema) {
    if (type != Type.STRUCT) {
      throw new DataException("only STRUCT schemas have fields, not " + type);
    }
    if (byName.containsKey(fieldName)) {
      throw new DataException("duplicate field '" + fieldName + "'");
    }
    List<Field> f = new ArrayList<>(fields);
    f.add(new Field(fieldName, f.size(), Objects.requireNonNull(schema)));
    return with(optional, defaultValue, name, version, doc, parameters, f);
  }

  public Type type() { return type; }
  public boolean isOptional() { return optional; }
  public Object defaultValue() { return defaultValue; }
  public String name() { return name; }
  public Integer version() { return version; }
  public String doc() { return doc; }
  public Map<String, String> parameters() { return parameters; }
  public Schema keySchema() { return keySchema; }
  public Schema valueSchema() { return valueSchema; }
  public List<Field> fields() { return fields; }

  public Field field(String fieldName) {
    return byName.get(fieldName);
  }

  /** The schema with a new default value, which is only known after the schema itself. */
  public static Schema rebuild(Type type, boolean optional, Object def, String name, Integer version, String doc,
                               Map<String, String> params, Schema key, Schema value, List<Field> fields) {
    return new Schema(type, optional, def, name, version, doc, params, key, value, fields);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Schema s)) return false;
    return type == s.type && optional == s.optional && Objects.equals(name, s.name)
        && Objects.equals(version, s.version) && Objects.equals(doc, s.doc)
        && parameters.equals(s.parameters) && Objects.equals(keySchema, s.keySchema)
        && Objects.equals(valueSchema, s.valueSchema) && fields.equals(s.fields)
        && Values.deepEquals(defaultValue, s.defaultValue);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(type, optional, name, version, doc, parameters, keySchema, valueSchema, fields);
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Schema{");
    b.append(name != null ? name + ":" : "").append(type);
    if (optional) b.append(",optional");
    if (type == Type.STRUCT) b.append(",fields=").append(fields.stream().map(Field::name).toList());
    return b.append('}').toString();
  }
}
