package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.client.ClientMetrics;
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
import org.apiguardian.api.API;

/**
 * The recorder behind {@link ClientMetrics}: what the client has done so far: throughput, latency percentiles per model (HdrHistogram, 3
 * significant digits), retries, 429s, errors by kind, tokens and cost. Recording is lock-free and
 * thread-safe; {@link #snapshot()} may be called at any time, e.g. by a progress bar.
 */
@API(status = INTERNAL, since = "0.1")
final class MetricsRecorder implements ClientMetrics {

    private final LongSupplier nanoTime;
    private final AtomicLong firstSent = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastDone = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, PerModel> models = new ConcurrentHashMap<>();

    MetricsRecorder(LongSupplier nanoTime) {
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
    @Override
    public Snapshot snapshot() {
        Map<String, ModelSnapshot> perModel = new TreeMap<>();
        models.forEach((name, m) -> perModel.put(name, m.snapshot(name)));
        long first = firstSent.get();
        long last = lastDone.get();
        Duration window = first == Long.MIN_VALUE || last == Long.MIN_VALUE ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, last - first));
        return new Snapshot(window, perModel);
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
