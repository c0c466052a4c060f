package com.example.contexts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Its first non-empty put sets SinkTaskContext.timeout(retry.timeout.ms) and throws
 * RetriableException; when the batch comes back it writes "redelivered after <ms> ms
 * same=<bool> assigned=<n>", then every record's value, one a line.
 */
public class ContextsSinkTask extends SinkTask {
  private Path file;
  private long timeoutMs;
  private List<Long> failedBatch;
  private long failedAt;

  @Override public String version() { return "1.0"; }

  @Override
  public void start(Map<String, String> props) {
    file = Path.of(props.get("file"));
    timeoutMs = Long.parseLong(props.getOrDefault("retry.timeout.ms", "3000"));
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) return;
    List<Long> offsets = records.stream().map(SinkRecord::kafkaOffset).toList();
    if (failedBatch == null) {
      failedBatch = offsets;
      failedAt = System.nanoTime();
      context.timeout(timeoutMs);
      throw new RetriableException("not now");
    }
    StringBuilder out = new StringBuilder();
    if (failedAt != 0) {
      long ms = (System.nanoTime() - failedAt) / 1_000_000;
      out.append("redelivered after ").append(ms).append(" ms same=").append(offsets.equals(failedBatch))
          .append(" assigned=").append(context.assignment().size()).append('\n');
      failedAt = 0;
    }
    for (SinkRecord r : records) out.append(r.value()).append('\n');
    try {
      Files.writeString(file, out, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ConnectException(e);
    }
  }

  @Override public void stop() {}
}
