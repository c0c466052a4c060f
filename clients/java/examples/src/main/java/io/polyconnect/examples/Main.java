package io.polyconnect.examples;

import io.polyconnect.sdk.Polyconnect;

/** The connector process: serves both examples. */
public class Main {
  public static void main(String[] args) {
    Polyconnect.serve(args, NumbersSource.class, LinesSink.class);
  }
}
