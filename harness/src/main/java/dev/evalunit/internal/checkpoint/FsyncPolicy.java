package dev.evalunit.internal.checkpoint;

import java.util.Locale;

/**
 * When a checkpoint file is forced to the storage device ({@code fsync}); set with
 * {@code evalunit.checkpoint.fsync}. Flushing (handing lines to the operating system) is governed by
 * {@code evalunit.checkpoint.flush-every}; a flushed line survives the JVM being killed ({@code kill -9},
 * an out-of-memory crash, a CI job cancelled), a forced line also survives a power loss or a kernel crash.
 */
enum FsyncPolicy {
    /** Never force; the operating system writes the lines out when it likes (usually within 30 s). */
    NEVER,
    /** Force once, when the store is closed at the end of the run. The default. */
    ON_CLOSE,
    /** Force at every flush, so an answer is on the device before the test body sees it. The slowest. */
    EVERY_FLUSH;

    /** {@code never}, {@code close} or {@code every-flush}, in any case. */
    public static FsyncPolicy parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "never" -> NEVER;
            case "close" -> ON_CLOSE;
            case "every-flush" -> EVERY_FLUSH;
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** The name a user writes: {@code never}, {@code close} or {@code every-flush}. */
    public String configName() {
        return switch (this) {
            case NEVER -> "never";
            case ON_CLOSE -> "close";
            case EVERY_FLUSH -> "every-flush";
        };
    }
}
