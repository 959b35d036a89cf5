package dev.evalunit.client;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.ErrorKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What a client has done so far: throughput, latency percentiles per model (HdrHistogram, 3 significant digits),
 * retries, 429s, errors by kind, tokens and cost. Thread-safe: {@link #snapshot()} may be called at any time,
 * e.g. by a progress bar, while requests are recorded.
 */
@API(status = STABLE, since = "0.1")
public interface ClientMetrics {

    /** The figures so far, per model and in total. */
    Snapshot snapshot();

    /** Figures of every model together, and of each. */
    record Snapshot(Duration window, Map<String, ModelSnapshot> models) {

        public long succeeded() {
            return models.values().stream().mapToLong(ModelSnapshot::succeeded).sum();
        }

        public long failed() {
            return models.values().stream().mapToLong(ModelSnapshot::failed).sum();
        }

        /** Requests an attempt of which reached the wire (not those refused before: not sent, budget, a stop). */
        public long sent() {
            return models.values().stream().mapToLong(ModelSnapshot::sent).sum();
        }

        public long retries() {
            return models.values().stream().mapToLong(ModelSnapshot::retries).sum();
        }

        public long rateLimited() {
            return models.values().stream().mapToLong(ModelSnapshot::rateLimited).sum();
        }

        public long promptTokens() {
            return models.values().stream().mapToLong(ModelSnapshot::promptTokens).sum();
        }

        public long completionTokens() {
            return models.values().stream().mapToLong(ModelSnapshot::completionTokens).sum();
        }

        public double costUsd() {
            return models.values().stream().mapToDouble(ModelSnapshot::costUsd).sum();
        }

        public Map<ErrorKind, Long> errorsByKind() {
            Map<ErrorKind, Long> all = new EnumMap<>(ErrorKind.class);
            models.values().forEach(m -> m.errorsByKind().forEach((k, v) -> all.merge(k, v, Long::sum)));
            return all;
        }

        /** Answers per second, from the first request sent to the last one finished. */
        public double throughputPerSecond() {
            double seconds = window.toNanos() / 1e9;
            return seconds > 0 ? succeeded() / seconds : 0;
        }
    }

    /**
     * One model's figures. Latencies are in milliseconds: {@code latency} is the round trip of the
     * successful attempt, {@code elapsed} the whole wait a caller saw (queue, retries included). {@code failed}
     * counts every request that ended without an answer, those never sent too (a stop, the budget); {@code sent}
     * the requests an attempt of which was sent.
     */
    record ModelSnapshot(String model, long succeeded, long failed, long retries, long rateLimited,
                                Map<ErrorKind, Long> errorsByKind, long promptTokens, long completionTokens,
                                long cachedTokens, double costUsd, double p50Ms, double p95Ms, double p99Ms,
                                double maxMs, double elapsedP50Ms, double elapsedP95Ms, long sent) {
    }
}
