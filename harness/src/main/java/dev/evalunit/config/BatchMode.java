package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/** How {@code @BatchEligible} invocations are sent; set with {@code evalunit.batch.mode}. */
@API(status = STABLE, since = "0.1")
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
