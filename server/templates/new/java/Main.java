package {{package}};

import io.polyconnect.sdk.Polyconnect;

public class Main {
  public static void main(String[] args) {
    Polyconnect.serve({{class}}.class);
  }
}
