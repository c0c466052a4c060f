package com.example.contexts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** Writes `count` records "saw=<what the connector read> n=<n>", resuming after its stored n. */
public class ContextsSourceTask extends SourceTask {
  private String topic;
  private String saw;
  private long next;
  private long last;

  @Override public String version() { return "1.0"; }

  @Override
  public void start(Map<String, String> props) {
    topic = props.get("topic");
    saw = props.get("connector.saw");
    Map<String, Object> stored = context.offsetStorageReader().offset(ContextsSourceConnector.PARTITION);
    next = stored == null ? 1 : ((Number) stored.get("n")).longValue() + 1;
    last = next + Integer.parseInt(props.getOrDefault("count", "3")) - 1;
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (next > last) {
      Thread.sleep(100);
      return null;
    }
    List<SourceRecord> out = new ArrayList<>();
    for (; next <= last; next++) {
      out.add(new SourceRecord(ContextsSourceConnector.PARTITION, Map.of("n", next), topic, null,
          Schema.STRING_SCHEMA, "saw=" + saw + " n=" + next));
    }
    return out;
  }

  @Override public void stop() {}
}
