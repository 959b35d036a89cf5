package dev.evalunit.client;

import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the client has done so far: throughput, latency percentiles per model (HdrHistogram, 3
 * significant digits), retries, 429s, errors by kind, tokens and cost. Recording is lock-free and
 * thread-safe; {@link #snapshot()} may be called at any time, e.g. by a progress bar.
 */
public final class ClientMetrics {

    private final LongSupplier nanoTime;
    private final AtomicLong firstSent = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastDone = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, PerModel> models = new ConcurrentHashMap<>();

    ClientMetrics(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    PerModel model(String model) {
        return models.computeIfAbsent(model, m -> new PerModel());
    }

    /** An attempt was sent; {@code firstOfItsRequest} when it is its request's first, which then counts as sent. */
    void sent(String model, boolean firstOfItsRequest) {
        firstSent.compareAndSet(Long.MIN_VALUE, nanoTime.getAsLong());
        if (firstOfItsRequest) {
            model(model).sent.increment();
        }
    }

    void succeeded(String model, Completion completion) {
        PerModel m = model(model);
        m.succeeded.increment();
        m.latency.recordValue(Math.max(1, completion.latency().toNanos() / 1_000));
        m.elapsed.recordValue(Math.max(1, completion.elapsed().toNanos() / 1_000));
        m.promptTokens.add(completion.promptTokens());
        m.completionTokens.add(completion.completionTokens());
        m.cachedTokens.add(completion.cachedTokens());
        m.costUsd.add(completion.costUsd());
        lastDone.set(nanoTime.getAsLong());
    }

    void failed(String model, ErrorKind kind) {
        PerModel m = model(model);
        m.failed.increment();
        m.errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        lastDone.set(nanoTime.getAsLong());
    }

    void retried(String model) {
        model(model).retries.increment();
    }

    void rateLimited(String model) {
        model(model).rateLimited.increment();
    }

    /** The figures so far, per model and in total. */
    public Snapshot snapshot() {
        Map<String, ModelSnapshot> perModel = new TreeMap<>();
        models.forEach((name, m) -> perModel.put(name, m.snapshot(name)));
        long first = firstSent.get();
        long last = lastDone.get();
        Duration window = first == Long.MIN_VALUE || last == Long.MIN_VALUE ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, last - first));
        return new Snapshot(window, perModel);
    }

    /** Figures of every model together, and of each. */
    public record Snapshot(Duration window, Map<String, ModelSnapshot> models) {

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
    public record ModelSnapshot(String model, long succeeded, long failed, long retries, long rateLimited,
                                Map<ErrorKind, Long> errorsByKind, long promptTokens, long completionTokens,
                                long cachedTokens, double costUsd, double p50Ms, double p95Ms, double p99Ms,
                                double maxMs, double elapsedP50Ms, double elapsedP95Ms, long sent) {
    }

    static final class PerModel {
        final LongAdder sent = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
        final LongAdder cachedTokens = new LongAdder();
        final DoubleAdder costUsd = new DoubleAdder();
        final Map<ErrorKind, LongAdder> errors = new ConcurrentHashMap<>();
        final Histogram latency = new ConcurrentHistogram(3);
        final Histogram elapsed = new ConcurrentHistogram(3);

        ModelSnapshot snapshot(String name) {
            Map<ErrorKind, Long> byKind = new EnumMap<>(ErrorKind.class);
            errors.forEach((k, v) -> byKind.put(k, v.sum()));
            Histogram l = latency.copy();
            Histogram e = elapsed.copy();
            return new ModelSnapshot(name, succeeded.sum(), failed.sum(), retries.sum(), rateLimited.sum(), byKind,
                    promptTokens.sum(), completionTokens.sum(), cachedTokens.sum(), costUsd.sum(),
                    ms(l, 50), ms(l, 95), ms(l, 99), l.getTotalCount() == 0 ? 0 : l.getMaxValue() / 1000.0,
                    ms(e, 50), ms(e, 95), sent.sum());
        }

        private static double ms(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
        }
    }
}
