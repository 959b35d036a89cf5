package dev.evalunit.internal.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The package's ObjectMapper for its own files: thread-safe once configured, and costly to create. */
final class LedgerJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            // A newer evalunit may add fields; this one still reads what it knows.
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    private LedgerJson() {
    }
}
