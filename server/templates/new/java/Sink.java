package {{package}};

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConfigDef.Importance;
import io.polyconnect.sdk.ConfigDef.Type;
import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SinkConnector;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.Struct;
import io.polyconnect.sdk.TopicPartition;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** {{class}}: a sink connector that appends each record it receives to a file, one line each. */
public class {{class}} extends SinkConnector {
  /** One line for a record: where it came from, then its value (a struct field by field). */
  public static String describe(SinkRecord r) {
    String text = r.value() instanceof Struct s
        ? s.schema().fields().stream().map(f -> f.name() + "=" + s.get(f.name()))
            .collect(Collectors.joining(" "))
        : String.valueOf(r.value());
    return r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset() + " " + text;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef().define("file", Type.STRING, "", Importance.HIGH,
        "The file to append to; empty: stdout.");
  }

  @Override
  public Class<? extends SinkTask> taskClass() { return Task.class; }

  public static class Task extends SinkTask {
    FileOutputStream out;

    @Override
    public void start(Map<String, String> props) {
      String file = props.getOrDefault("file", "");
      if (file.isEmpty()) {
        return;
      }
      try {
        out = new FileOutputStream(file, true);
      } catch (IOException e) {
        throw new ConnectException("cannot open " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
      StringBuilder text = new StringBuilder();
      records.forEach(r -> text.append(describe(r)).append('\n'));
      if (out == null) {
        System.out.print(text);
        return;
      }
      try {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ConnectException("write failed: " + e.getMessage(), e);
      }
    }

    /** Everything put so far is made durable; then the core commits these offsets. */
    @Override
    public void flush(Map<TopicPartition, Long> offsets) {
      try {
        if (out != null) {
          out.getFD().sync();
        } else {
          System.out.flush();
        }
      } catch (IOException e) {
        throw new ConnectException("sync failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void stop() {
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException ignored) {
        // nothing left to save
      }
    }
  }
}
