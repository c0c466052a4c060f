package io.polyconnect.examples;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConfigDef.Importance;
import io.polyconnect.sdk.ConfigDef.Type;
import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.SinkConnector;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.TopicPartition;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/** Appends each record's value to a file, one line per record; flush syncs the file. */
public class LinesSink extends SinkConnector {
  @Override
  public ConfigDef config() {
    return new ConfigDef().define("file", Type.STRING, Importance.HIGH, "The file to append to.");
  }

  @Override
  public Class<? extends SinkTask> taskClass() { return Task.class; }

  public static class Task extends SinkTask {
    FileOutputStream out;

    @Override
    public void start(Map<String, String> props) {
      try {
        out = new FileOutputStream(props.get("file"), true);
      } catch (IOException e) {
        throw new ConnectException("cannot open " + props.get("file") + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
      StringBuilder text = new StringBuilder();
      records.forEach(r -> text.append(r.value()).append('\n'));
      try {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ConnectException("write failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void flush(Map<TopicPartition, Long> offsets) {
      try {
        out.getFD().sync();
      } catch (IOException e) {
        throw new ConnectException("sync failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void stop() {
      try {
        out.close();
      } catch (IOException ignored) {
        // nothing left to save
      }
    }
  }
}
