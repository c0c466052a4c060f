package {{package}};

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConnectRecord;
import io.polyconnect.sdk.Transformation;
import java.util.Map;

/**
 * {{class}}: a transform that sends each record to {@code topic.prefix} + its topic and
 * drops records without a value (tombstones).
 */
public class {{class}} implements Transformation {
  static final String DEFAULT_PREFIX = "transformed-";
  private String prefix = DEFAULT_PREFIX;

  @Override
  public ConfigDef config() {
    return new ConfigDef().define("topic.prefix", ConfigDef.Type.STRING, DEFAULT_PREFIX,
        ConfigDef.Importance.HIGH, "Put before each record's topic");
  }

  @Override
  public void configure(Map<String, String> config) {
    prefix = config.getOrDefault("topic.prefix", DEFAULT_PREFIX);
  }

  /** null drops the record; an exception would fail it (errors.tolerance, the DLQ). */
  @Override
  public ConnectRecord apply(ConnectRecord r) {
    if (r.value() == null) {
      return null;
    }
    return r.newRecord(prefix + r.topic(), r.kafkaPartition(), r.keySchema(), r.key(),
        r.valueSchema(), r.value(), r.timestamp(), r.headers());
  }

  @Override
  public String version() {
    return "0.1.0";
  }
}
