package io.polyconnect.examples;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConfigDef.Importance;
import io.polyconnect.sdk.ConfigDef.Type;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SourceConnector;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes the numbers 1..count to a topic, resuming after the last stored one. */
public class NumbersSource extends SourceConnector {
  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define("topic", Type.STRING, Importance.HIGH, "The topic to write to.")
        .define("count", Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "How many numbers.")
        .define("batch.size", Type.INT, 100, ConfigDef.Range.atLeast(1), Importance.LOW, "Numbers per poll.");
  }

  @Override
  public Class<? extends SourceTask> taskClass() { return Task.class; }

  public static class Task extends SourceTask {
    static final Map<String, String> PARTITION = Map.of("source", "numbers");
    String topic;
    long next, count;
    int batch;

    @Override
    public void start(Map<String, String> props) {
      topic = props.get("topic");
      count = Long.parseLong(props.getOrDefault("count", "1000"));
      batch = Integer.parseInt(props.getOrDefault("batch.size", "100"));
      Map<String, Object> stored = context().offset(PARTITION);
      next = stored == null ? 1 : ((Number) stored.get("n")).longValue() + 1;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      if (next > count) {
        Thread.sleep(100); // nothing more to send
        return null;
      }
      List<SourceRecord> out = new ArrayList<>();
      for (; next <= count && out.size() < batch; next++) {
        out.add(new SourceRecord(PARTITION, Map.of("n", next), topic, Schema.STRING, Long.toString(next)));
      }
      return out;
    }

    @Override
    public void stop() {}
  }
}
