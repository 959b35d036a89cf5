package dev.evalunit.config;

import java.util.Locale;

/** How {@code @BatchEligible} invocations are sent; set with {@code evalunit.batch.mode}. */
public enum BatchMode {
    /** Always real-time, for quick answers at full price. */
    REALTIME,
    /** Always through the Batch API, at its discount, however few. */
    BATCH,
    /** Through the Batch API when at least {@code evalunit.batch.threshold} are eligible, else real-time. */
    AUTO;

    /** {@code realtime}, {@code batch} or {@code auto}, in any case. */
    public static BatchMode parse(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
