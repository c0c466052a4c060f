package io.polyconnect.bridge;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ConversionDirection;
import io.polyconnect.protocol.v1.ConverterBatch;
import io.polyconnect.protocol.v1.ConverterGrpc;
import io.polyconnect.protocol.v1.ConverterOutcome;
import io.polyconnect.protocol.v1.ConverterRecord;
import io.polyconnect.protocol.v1.ConverterRequest;
import io.polyconnect.protocol.v1.ConverterResponse;
import io.polyconnect.protocol.v1.ConverterResult;
import io.polyconnect.protocol.v1.ConverterStart;
import io.polyconnect.protocol.v1.ConverterStarted;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.KafkaHeader;
import io.polyconnect.sdk.internal.Errors;
import io.polyconnect.sdk.internal.Server;
import io.polyconnect.sdk.internal.Wire;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * Kafka Connect Converters and HeaderConverters from plugin directories, served out of
 * process through the protocol's Converter service: one stream per converter instance (a
 * task's key, value or header converter), configured with {@code configure(config, isKey)}
 * (a header converter with {@code configure(config)}); batches of records (or headers)
 * converted in either direction, one outcome per record. Every call into the converter runs
 * with its plugin's class loader as the context class loader.
 */
final class BridgedConverter extends ConverterGrpc.ConverterImplBase {
  private static final Logger LOG = Logger.getLogger("polyconnect.bridge");
  private final Map<String, Class<?>> classes = new HashMap<>();

  /** Serves {@code converters} (Kafka Connect Converter and HeaderConverter classes). */
  BridgedConverter(List<Class<?>> converters) {
    for (Class<?> c : converters) {
      classes.putIfAbsent(c.getName(), c);
      classes.putIfAbsent(c.getSimpleName(), c);
    }
  }

  @Override
  public StreamObserver<ConverterRequest> run(StreamObserver<ConverterResponse> out) {
    return new Session(out);
  }

  private final class Session implements StreamObserver<ConverterRequest> {
    private final StreamObserver<ConverterResponse> out;
    private final DataConversion data = new DataConversion();
    private Converter converter;
    private HeaderConverter headerConverter;
    private Wire wire;
    private boolean done;

    Session(StreamObserver<ConverterResponse> out) {
      this.out = out;
    }

    @Override
    public synchronized void onNext(ConverterRequest req) {
      if (done) return;
      switch (req.getMsgCase()) {
        case START -> start(req.getStart());
        case BATCH -> batch(req.getBatch());
        case STOP -> finish();
        default -> { }
      }
    }

    private void fail(io.polyconnect.protocol.v1.Error e) {
      out.onNext(ConverterResponse.newBuilder().setError(e).build());
      finish();
    }

    private void start(ConverterStart s) {
      if (s.getProtocolVersion() != 0 && s.getProtocolVersion() != Server.PROTOCOL_VERSION) {
        fail(Errors.of(new IllegalArgumentException("protocol version " + s.getProtocolVersion()
            + " is not spoken by this bridge (it speaks [" + Server.PROTOCOL_VERSION + "])"), ErrorKind.CONFIG));
        return;
      }
      Class<?> cls = classes.get(s.getClassName());
      Class<?> base = s.getHeaderConverter() ? HeaderConverter.class : Converter.class;
      if (cls == null || !base.isAssignableFrom(cls)) {
        fail(io.polyconnect.protocol.v1.Error.newBuilder().setKind(ErrorKind.CONFIG)
            .setMessage("this process does not serve the " + (s.getHeaderConverter() ? "header converter '" : "converter '")
                + s.getClassName() + "'").build());
        return;
      }
      try {
        Map<String, String> config = new HashMap<>(s.getConfigMap());
        if (s.getHeaderConverter()) {
          HeaderConverter h = (HeaderConverter) Bridge.instantiate(cls);
          Bridge.withLoader(h, () -> h.configure(config));
          headerConverter = h;
        } else {
          Converter c = (Converter) Bridge.instantiate(cls);
          Bridge.withLoader(c, () -> c.configure(config, s.getIsKey()));
          converter = c;
        }
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "configure() of " + cls.getName() + " failed", e);
        fail(Errors.of(e, ErrorKind.CONFIG));
        return;
      }
      wire = new Wire(true, false, true);
      out.onNext(ConverterResponse.newBuilder().setStarted(ConverterStarted.getDefaultInstance()).build());
      LOG.info(cls.getName() + " (" + (s.getHeaderConverter() ? "header" : s.getIsKey() ? "key" : "value") + ") of " + s.getConnectorName()
          + " task " + s.getTaskId() + " started");
    }

    private void batch(ConverterBatch b) {
      if (converter == null && headerConverter == null) {
        fail(io.polyconnect.protocol.v1.Error.newBuilder().setKind(ErrorKind.FATAL)
            .setMessage("a batch before ConverterStart").build());
        return;
      }
      boolean from = b.getDirection() == ConversionDirection.FROM_CONNECT_DATA;
      ConverterResult.Builder res = ConverterResult.newBuilder().setBatchId(b.getBatchId());
      ClassLoader saved = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(Bridge.loaderOf(converter != null ? converter : headerConverter));
      try {
        for (ConverterRecord r : b.getRecordsList()) {
          ConverterOutcome.Builder o = res.addOutcomesBuilder().setIndex(r.getIndex());
          try {
            RecordHeaders headers = new RecordHeaders();
            for (KafkaHeader h : r.getHeadersList()) {
              headers.add(h.getKey(), h.hasValue() ? h.getValue().toByteArray() : null);
            }
            if (from) {
              Object[] sv = wire.structured(r.getData());
              io.polyconnect.sdk.Schema sdkSchema = (io.polyconnect.sdk.Schema) sv[0];
              Schema schema = sdkSchema == null ? null : data.schema(sdkSchema);
              Object value = data.kcValue(schema, sv[1]);
              byte[] bytes = headerConverter != null
                  ? headerConverter.fromConnectHeader(r.getTopic(), r.getHeaderKey(), schema, value)
                  : converter.fromConnectData(r.getTopic(), headers, schema, value);
              if (bytes != null) o.setSerialized(ByteString.copyFrom(bytes));
            } else {
              byte[] bytes = r.hasSerialized() ? r.getSerialized().toByteArray() : null;
              SchemaAndValue sv = headerConverter != null
                  ? headerConverter.toConnectHeader(r.getTopic(), r.getHeaderKey(), bytes)
                  : converter.toConnectData(r.getTopic(), headers, bytes);
              if (sv == null) sv = SchemaAndValue.NULL;
              o.setData(wire.structured(data.schema(sv.schema()), data.value(sv.schema(), sv.value())));
            }
          } catch (Throwable e) {
            o.clearSerialized().clearData().setError(Errors.of(e, ErrorKind.RECORD));
          }
        }
      } finally {
        Thread.currentThread().setContextClassLoader(saved);
      }
      out.onNext(ConverterResponse.newBuilder().setResult(res).build());
    }

    private void close() {
      if (converter != null || headerConverter != null) {
        java.io.Closeable c = converter != null ? converter : headerConverter;
        try {
          Bridge.withLoader(c, () -> {
            try {
              c.close();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
        } catch (Throwable e) {
          LOG.log(Level.WARNING, "close() of " + c.getClass().getName() + " failed", e);
        }
      }
    }

    private void finish() {
      if (done) return;
      done = true;
      close();
      out.onCompleted();
    }

    @Override
    public synchronized void onError(Throwable t) {
      if (done) return;
      done = true;
      close();
    }

    @Override
    public synchronized void onCompleted() {
      finish();
    }
  }
}
