package io.polyconnect.sdk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Equality of data values, where byte arrays compare by content. */
final class Values {
  private Values() {}

  static boolean deepEquals(Object a, Object b) {
    if (a == b) return true;
    if (a == null || b == null) return false;
    if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
    if (a instanceof ByteBuffer x && b instanceof ByteBuffer y) return x.equals(y);
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      Iterator<?> i = x.iterator(), j = y.iterator();
      while (i.hasNext()) {
        if (!deepEquals(i.next(), j.next())) return false;
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) return false;
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) return false;
      }
      return true;
    }
    return Objects.equals(a, b);
  }
}
