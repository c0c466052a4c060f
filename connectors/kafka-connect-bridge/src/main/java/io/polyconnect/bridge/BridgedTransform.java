package io.polyconnect.bridge;

import io.polyconnect.sdk.ConnectRecord;
import io.polyconnect.sdk.Header;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * A Kafka Connect Transformation or Predicate from a plugin directory, served out of process:
 * records converted between the SDK's model and Kafka Connect's, and every call into the
 * plugin (configure, config, apply, test, close) with its plugin's class loader as the
 * context class loader. A record with a Kafka offset goes in as a SinkRecord, one without
 * as a SourceRecord (without source partition and offset, which stay in the core).
 */
final class BridgedTransform {
  private BridgedTransform() {}

  static io.polyconnect.sdk.ConfigDef config(org.apache.kafka.common.config.ConfigDef def) {
    return Configs.definition(def);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  static org.apache.kafka.connect.connector.ConnectRecord toKc(DataConversion data, ConnectRecord r) {
    Schema ks = r.keySchema() != null ? data.schema(r.keySchema()) : DataConversion.rawSchema(r.key());
    Schema vs = r.valueSchema() != null ? data.schema(r.valueSchema()) : DataConversion.rawSchema(r.value());
    ConnectHeaders headers = new ConnectHeaders();
    for (Header h : r.headers()) {
      Schema hs = data.schema(h.schema());
      headers.add(h.key(), data.kcValue(hs, h.value()), hs);
    }
    if (r.kafkaOffset() != null) {
      return new SinkRecord(r.topic(), r.kafkaPartition() == null ? 0 : r.kafkaPartition(), ks,
          data.kcValue(ks, r.key()), vs, data.kcValue(vs, r.value()), r.kafkaOffset(), r.timestamp(),
          r.timestamp() == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, headers);
    }
    return new SourceRecord(null, null, r.topic(), r.kafkaPartition(), ks, data.kcValue(ks, r.key()), vs,
        data.kcValue(vs, r.value()), r.timestamp(), headers);
  }

  static ConnectRecord fromKc(DataConversion data, org.apache.kafka.connect.connector.ConnectRecord<?> k, Long offset) {
    List<Header> headers = new ArrayList<>();
    for (org.apache.kafka.connect.header.Header h : k.headers()) {
      headers.add(new Header(h.key(), data.schema(h.schema()), data.value(h.schema(), h.value())));
    }
    return new ConnectRecord(k.topic(), k.kafkaPartition(), data.schema(k.keySchema()), data.value(k.keySchema(), k.key()),
        data.schema(k.valueSchema()), data.value(k.valueSchema(), k.value()), k.timestamp(), headers, offset);
  }

  /** A Kafka Connect Transformation behind the SDK's. */
  static final class Transform implements io.polyconnect.sdk.Transformation {
    @SuppressWarnings("rawtypes")
    private final Transformation t;
    private final DataConversion data = new DataConversion();

    Transform(Class<?> cls) {
      this.t = (Transformation) Bridge.instantiate(cls);
    }

    @Override
    public void configure(Map<String, String> config) {
      Bridge.withLoader(t, () -> t.configure(new HashMap<>(config)));
    }

    @Override
    public io.polyconnect.sdk.ConfigDef config() {
      return Bridge.withLoader(t, () -> BridgedTransform.config(t.config()));
    }

    @Override
    public String version() {
      return PluginScan.version(t.getClass(), t.getClass().getClassLoader());
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConnectRecord apply(ConnectRecord r) {
      return Bridge.withLoader(t, () -> {
        org.apache.kafka.connect.connector.ConnectRecord<?> out = t.apply(toKc(data, r));
        return out == null ? null : fromKc(data, out, r.kafkaOffset());
      });
    }

    @Override
    public void close() {
      Bridge.withLoader(t, t::close);
    }
  }

  /** A Kafka Connect Predicate behind the SDK's. */
  static final class Pred implements io.polyconnect.sdk.Predicate {
    @SuppressWarnings("rawtypes")
    private final Predicate p;
    private final DataConversion data = new DataConversion();

    Pred(Class<?> cls) {
      this.p = (Predicate) Bridge.instantiate(cls);
    }

    @Override
    public void configure(Map<String, String> config) {
      Bridge.withLoader(p, () -> p.configure(new HashMap<>(config)));
    }

    @Override
    public io.polyconnect.sdk.ConfigDef config() {
      return Bridge.withLoader(p, () -> BridgedTransform.config(p.config()));
    }

    @Override
    public String version() {
      return PluginScan.version(p.getClass(), p.getClass().getClassLoader());
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean test(ConnectRecord r) {
      return Bridge.withLoader(p, () -> p.test(toKc(data, r)));
    }

    @Override
    public void close() {
      Bridge.withLoader(p, p::close);
    }
  }
}
