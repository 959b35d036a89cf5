package dev.evalunit.internal.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The package's one ObjectMapper: thread-safe once configured, and costly to create. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            // A newer evalunit may add fields to a line; this one still reads what it knows.
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }
}
