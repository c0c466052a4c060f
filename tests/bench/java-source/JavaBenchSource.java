// A source written with the Java SDK for `make bench`: `records` string values of
// `record.bytes` bytes each (record number first), with a source offset per record, as a
// real connector would send them. Run by the JDK's source launcher (no build step), on
// the class path the Java examples' build leaves in clients/java/examples/target/lib.

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConfigDef.Importance;
import io.polyconnect.sdk.ConfigDef.Type;
import io.polyconnect.sdk.Polyconnect;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SourceConnector;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class JavaBenchSource extends SourceConnector {
  static final Map<String, String> PARTITION = Map.of("source", "bench");

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define("topic", Type.STRING, Importance.HIGH, "Topic")
        .define("records", Type.LONG, 0L, Importance.LOW, "Records to send, 0 = no end")
        .define("record.bytes", Type.INT, 100, Importance.LOW, "Value size")
        .define("batch.size", Type.INT, 2000, Importance.LOW, "Records per poll");
  }

  @Override
  public Class<? extends SourceTask> taskClass() { return Task.class; }

  public static class Task extends SourceTask {
    String topic;
    long total, sent;
    int batch;
    String pad;

    @Override
    public void start(Map<String, String> props) {
      topic = props.get("topic");
      total = Long.parseLong(props.getOrDefault("records", "0"));
      int size = Integer.parseInt(props.getOrDefault("record.bytes", "100"));
      batch = Integer.parseInt(props.getOrDefault("batch.size", "2000"));
      Map<String, Object> stored = context().offset(PARTITION);
      sent = stored == null ? 0 : ((Number) stored.get("n")).longValue();
      pad = "x".repeat(Math.max(0, size - 10));
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      if (total > 0 && sent >= total) {
        Thread.sleep(100);
        return null;
      }
      long n = total == 0 ? batch : Math.min(batch, total - sent);
      List<SourceRecord> out = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        sent++;
        out.add(new SourceRecord(PARTITION, Map.of("n", sent), topic, Schema.STRING, String.format("%010d", sent) + pad));
      }
      return out;
    }

    @Override
    public void stop() {}
  }

  public static void main(String[] args) {
    Polyconnect.serve(JavaBenchSource.class);
  }
}
