package {{package}};

import io.polyconnect.sdk.Polyconnect;

public class Main {
  public static void main(String[] args) {
    Polyconnect.serve(args, {{class}}.class);  // args: --listen host:port to run it as a service
  }
}
