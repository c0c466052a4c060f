package io.polyconnect.sdk;

import java.util.Arrays;
import java.util.Objects;

/** A STRUCT value: one value per field of its schema. */
public final class Struct {
  private final Schema schema;
  private final Object[] values;

  public Struct(Schema schema) {
    if (schema.type() != Schema.Type.STRUCT) {
      throw new DataException("a Struct needs a STRUCT schema, not " + schema.type());
    }
    this.schema = schema;
    this.values = new Object[schema.fields().size()];
  }

  public Schema schema() { return schema; }

  public Struct put(String field, Object value) {
    return put(lookup(field), value);
  }

  public Struct put(Schema.Field field, Object value) {
    values[field.index()] = value;
    return this;
  }

  /** The field's value, or its schema's default when it is null. */
  public Object get(String field) {
    return get(lookup(field));
  }

  public Object get(Schema.Field field) {
    Object v = values[field.index()];
    return v != null ? v : field.schema().defaultValue();
  }

  /** The value as set, without defaults. */
  public Object getWithoutDefault(String field) {
    return values[lookup(field).index()];
  }

  public Object getWithoutDefault(Schema.Field field) {
    return values[field.index()];
  }

  public String getString(String field) { return (String) get(field); }
  public Integer getInt32(String field) { return (Integer) get(field); }
  public Long getInt64(String field) { return (Long) get(field); }

  private Schema.Field lookup(String name) {
    Schema.Field f = schema.field(name);
    if (f == null) {
      throw new DataException("'" + name + "' is not a field of " + schema);
    }
    return f;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Struct s)) return false;
    if (!schema.equals(s.schema)) return false;
    for (int i = 0; i < values.length; i++) {
      if (!Values.deepEquals(values[i], s.values[i])) return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(schema, values.length);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Struct{");
    for (Schema.Field f : schema.fields()) {
      Object v = values[f.index()];
      if (v != null) {
        if (b.length() > 7) b.append(',');
        b.append(f.name()).append('=').append(v instanceof byte[] a ? Arrays.toString(a) : v);
      }
    }
    return b.append('}').toString();
  }
}
