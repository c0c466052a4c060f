// A sink written with the Java SDK for `make bench`: reads each record's value (adds its
// length to a counter) and discards it. Everything put is durable, so flush/preCommit
// commits the offsets it was given (the default). The SDK's default maxInflightPuts. Run by
// the JDK's source launcher (no build step), on the class path the Java examples' build
// leaves in clients/java/examples/target/lib.

import io.polyconnect.sdk.Polyconnect;
import io.polyconnect.sdk.SinkConnector;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

public class JavaBenchSink extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) { this.props = props; }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < Math.max(1, maxTasks); i++) out.add(props);
    return out;
  }

  @Override
  public Class<? extends SinkTask> taskClass() { return Task.class; }

  public static class Task extends SinkTask {
    long bytes;

    @Override
    public void start(Map<String, String> props) {}

    @Override
    public void put(Collection<SinkRecord> records) {
      for (SinkRecord r : records) {
        Object v = r.value();
        if (v instanceof String s) bytes += s.length();
        else if (v instanceof byte[] b) bytes += b.length;
        else if (v != null) bytes += v.toString().length();
      }
    }

    @Override
    public void stop() {}
  }

  public static void main(String[] args) {
    Polyconnect.serve(JavaBenchSink.class);
  }
}
