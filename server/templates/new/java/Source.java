package {{package}};

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConfigDef.Importance;
import io.polyconnect.sdk.ConfigDef.Type;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SourceConnector;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import io.polyconnect.sdk.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {{class}}: a source connector that writes {@code count} orders as structured records. */
public class {{class}} extends SourceConnector {
  /** One source partition; its offset is the next sequence number, so a restart resumes. */
  static final Map<String, String> PARTITION = Map.of("source", "{{name}}");

  public static final Schema ORDER = Schema.struct().name("{{name}}.Order")
      .field("seq", Schema.INT64)
      .field("customer", Schema.STRING)
      .field("amount", Schema.FLOAT64)
      .field("express", Schema.BOOLEAN);

  /** The record value for sequence number {@code seq}. */
  public static Struct order(long seq) {
    return new Struct(ORDER)
        .put("seq", seq)
        .put("customer", "customer-" + (seq % 10))
        .put("amount", seq * 0.25)
        .put("express", seq % 3 == 0);
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define("topic", Type.STRING, Importance.HIGH, "The topic to write to.")
        .define("count", Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
            "How many records to write.");
  }

  @Override
  public Class<? extends SourceTask> taskClass() { return Task.class; }

  public static class Task extends SourceTask {
    String topic;
    long next, count;

    @Override
    public void start(Map<String, String> props) {
      topic = props.get("topic");
      count = Long.parseLong(props.getOrDefault("count", "1000"));
      Map<String, Object> stored = context().offset(PARTITION);
      next = stored == null ? 0 : ((Number) stored.get("seq")).longValue();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {  // on the task's own thread
      if (next >= count) {
        Thread.sleep(500);  // all written: idle (heartbeats go on)
        return null;
      }
      List<SourceRecord> out = new ArrayList<>();
      for (; next < count && out.size() < 500; next++) {
        out.add(new SourceRecord(PARTITION, Map.of("seq", next + 1), topic, null,
            Schema.STRING, Long.toString(next), ORDER, order(next), null));
      }
      return out;
    }

    @Override
    public void stop() {}
  }
}
