package {{package}};

import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.Polyconnect;
import java.util.List;

public class Main {
  public static void main(String[] args) {
    // args: --listen host:port to run it as a service
    Polyconnect.serve(List.of(Plugin.ofTransformation({{class}}.class)), args);
  }
}
