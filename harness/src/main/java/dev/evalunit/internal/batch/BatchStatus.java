package dev.evalunit.internal.batch;

import java.util.Locale;

/** The status of a Batch API job, as OpenAI reports it; {@link #UNKNOWN} for one this evalunit does not know. */
enum BatchStatus {
    VALIDATING, FAILED, IN_PROGRESS, FINALIZING, COMPLETED, EXPIRED, CANCELLING, CANCELLED, UNKNOWN;

    /** The status of its wire name ({@code in_progress}); {@link #UNKNOWN} for any other. */
    public static BatchStatus of(String wire) {
        if (wire == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(wire.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** The wire name, e.g. {@code in_progress}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the batch has stopped and will not change again. */
    public boolean terminal() {
        return this == FAILED || this == COMPLETED || this == EXPIRED || this == CANCELLED;
    }
}
