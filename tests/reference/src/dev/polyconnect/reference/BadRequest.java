package dev.polyconnect.reference;

/** A malformed harness request, as opposed to an error raised by Kafka Connect. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
        super(message);
    }
}
