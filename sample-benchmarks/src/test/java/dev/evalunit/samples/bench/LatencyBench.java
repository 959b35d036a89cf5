package dev.evalunit.samples.bench;

import dev.evalunit.samples.bench.LatencyOptions.Scenario;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.ReceivedRequest;
import dev.evalunit.simulator.RequestLog;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The main job, the three TruthfulQA suites, on the simulator at real latency, and writes
 * {@code target/bench/latency.json}. Each figure is the median of {@code -Dbench.runs} runs (default 3, as every
 * bench; {@code -Dbench.latency.runs} for this one alone), each run on a fresh state, so nothing is replayed:
 *
 * <ul>
 * <li>{@code efficiency}: {@code main_job_efficiency}, the whole job in real time ({@code evalunit.urgent})
 *     with no rate-limit settings at all, against a server allowing 3,000 RPM over a 1 s window with 1 s
 *     answers: the time the requests the server received would take at its limit, over the time from the
 *     first to the last of them (1 is a client that keeps the server at its limit throughout);</li>
 * <li>{@code batch}: {@code judge_realtime_requests_in_batch_mode}, the chat requests sent in real time by
 *     the same job in {@code evalunit.batch.mode=batch}, everything not sent in a batch (the generation
 *     suite's judge calls, if they are not batched too), with {@code batch_mode_batched_requests} beside it;</li>
 * <li>{@code overconfigured}: {@code over_configured_429_share}, the 429s among the chat responses of the MC1
 *     suite in real time when the run is told twice the server's RPM;</li>
 * <li>{@code samples}: {@code samples3_requests_ratio}, the chat requests of the MC1 suite at
 *     {@code evalunit.samples=3} with {@code evalunit.samples.mode=choices} (one request asking for 3
 *     choices) over those with {@code mode=requests} (one request per sample), and the prompt tokens billed
 *     each way.</li>
 * </ul>
 *
 * It prints figures and asserts nothing about speed. {@link LatencyOptions} lists the {@code -Dbench.*}
 * properties that narrow a run, e.g. {@code -Dbench.questions=20 -Dbench.latency.ms=100}.
 */
class LatencyBench {

    /** Big enough to keep every request of the main job with its retries, so first and last are exact. */
    private static final int LOG_CAPACITY = 2_000_000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.HOURS)
    void measure() throws IOException {
        long start = System.nanoTime();
        LatencyOptions options = LatencyOptions.fromSystemProperties();
        if (options.only().isEmpty()) {
            System.out.println("LatencyBench: -Dbench.only names none of efficiency, batch, overconfigured, samples; "
                    + "latency.json left as it was");
            return;
        }
        Map<String, Object> figures = new LinkedHashMap<>(options.describe());
        Map<Scenario, Runs> scenarios = new LinkedHashMap<>();
        scenarios.put(Scenario.EFFICIENCY, this::efficiency);
        scenarios.put(Scenario.BATCH, this::batch);
        scenarios.put(Scenario.OVERCONFIGURED, this::overConfigured);
        scenarios.put(Scenario.SAMPLES, this::samples);
        scenarios.forEach((scenario, runs) -> {
            if (options.only().contains(scenario)) {
                medians(options, scenario, runs, figures);
            }
        });
        figures.put("bench_wall_seconds", LatencyFigures.round((System.nanoTime() - start) / 1e9, 1));
        LatencyFigures.write(options.outputFile(), figures);
    }

    /** One run of a scenario: its figures. */
    @FunctionalInterface
    private interface Runs {
        Map<String, Double> once(LatencyOptions options, int run) throws IOException;
    }

    private static void medians(LatencyOptions options, Scenario scenario, Runs runs, Map<String, Object> figures) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            try {
                Map<String, Double> once = runs.once(options, run);
                System.out.printf(Locale.ROOT, "LatencyBench %s run %d/%d: %s%n", scenario.id(), run, options.runs(), once);
                refuseARunThatDidNotRun(scenario, run, options, once);
                all.add(once);
            } catch (IOException e) {
                throw new IllegalStateException("LatencyBench " + scenario.id() + " run " + run + " failed: " + e, e);
            }
        }
        all.get(0).keySet().forEach(key -> figures.put(key,
                LatencyFigures.median(all.stream().mapToDouble(m -> m.get(key)).toArray())));
    }

    /**
     * A run whose test classes failed to start, or that planned no invocation, measured nothing: its figures
     * would be written as if it had (a missing dataset once gave {@code main_job_efficiency: null} and a green
     * bench), so the bench fails instead, saying where it looked for the datasets.
     */
    private static void refuseARunThatDidNotRun(Scenario scenario, int run, LatencyOptions options,
                                                Map<String, Double> once) {
        once.forEach((key, value) -> {
            boolean failedToStart = key.endsWith("_containers_failed") && value > 0;
            boolean nothingPlanned = key.contains("_invocations") && value == 0;
            if (failedToStart || nothingPlanned) {
                throw new IllegalStateException(String.format(Locale.ROOT, "LatencyBench %s run %d measured nothing "
                        + "(%s = %.0f): are the TruthfulQA files in %s (bench.datasets.dir)?", scenario.id(), run, key,
                        value, options.datasetsDir()));
            }
        });
    }

    /** The server of the real-time figures: {@code bench.latency.ms} answers, a per-minute request limit enforced per second. */
    private static SimulatorOptions.Builder limitedServer(LatencyOptions o) {
        return SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(o.latencyMs())))
                .requestsPerMinute(o.rpm()).tokensPerMinute(o.tpm()).burst(Duration.ofSeconds(1))
                .requestLogCapacity(LOG_CAPACITY);
    }

    private Map<String, Double> efficiency(LatencyOptions o, int run) throws IOException {
        try (OpenAiSimulator sim = OpenAiSimulator.start(limitedServer(o).build());
             LatencyWork work = LatencyWork.create(o.workRoot(), "main-job-" + run, o.keep())) {
            Map<String, String> settings = work.settings(o, sim.baseUrl());
            settings.put("evalunit.urgent", "true");
            SuiteRun.Outcome outcome = SuiteRun.execute(o.suites(), settings);
            Traffic t = Traffic.of(sim.requests());
            double perSecond = o.rpm() / 60.0;
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("main_job_efficiency", LatencyFigures.round(t.chat / perSecond / t.seconds(), 3));
            f.put("main_job_requests", (double) t.chat);
            f.put("main_job_answered_200", (double) t.ok);
            f.put("main_job_429", (double) t.tooMany);
            f.put("main_job_ideal_seconds", LatencyFigures.round(t.chat / perSecond, 1));
            f.put("main_job_wall_seconds", LatencyFigures.round(t.seconds(), 1));
            // the same with only the answered requests as the work to do: 429s cost the server nothing
            f.put("main_job_efficiency_answered", LatencyFigures.round(t.ok / perSecond / t.seconds(), 3));
            f.putAll(outcome("main_job", outcome));
            return f;
        }
    }

    private Map<String, Double> batch(LatencyOptions o, int run) throws IOException {
        try (OpenAiSimulator sim = OpenAiSimulator.start(limitedServer(o).build());
             LatencyWork work = LatencyWork.create(o.workRoot(), "batch-mode-" + run, o.keep())) {
            Map<String, String> settings = work.settings(o, sim.baseUrl());
            settings.put("evalunit.batch.mode", "batch");
            settings.put("evalunit.batch.poll-interval", o.pollInterval());
            SuiteRun.Outcome outcome = SuiteRun.execute(o.suites(), settings);
            Traffic t = Traffic.of(sim.requests());
            List<SimulatedBatch> batches = sim.batches();
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("judge_realtime_requests_in_batch_mode", (double) t.chat);
            f.put("batch_mode_realtime_429", (double) t.tooMany);
            f.put("batch_mode_batches", (double) batches.size());
            f.put("batch_mode_batched_requests", (double) batches.stream().mapToLong(SimulatedBatch::total).sum());
            f.putAll(outcome("batch_mode", outcome));
            return f;
        }
    }

    private Map<String, Double> overConfigured(LatencyOptions o, int run) throws IOException {
        try (OpenAiSimulator sim = OpenAiSimulator.start(limitedServer(o).build());
             LatencyWork work = LatencyWork.create(o.workRoot(), "over-configured-" + run, o.keep())) {
            Map<String, String> settings = work.settings(o, sim.baseUrl());
            settings.put("evalunit.urgent", "true");
            settings.put("evalunit.rate-limit.rpm", Long.toString(2 * o.rpm()));
            SuiteRun.Outcome outcome = SuiteRun.execute(List.of(LatencyOptions.MC1), settings);
            Traffic t = Traffic.of(sim.requests());
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("over_configured_429_share", LatencyFigures.round(t.chat == 0 ? 0 : (double) t.tooMany / t.chat, 4));
            f.put("over_configured_requests", (double) t.chat);
            f.put("over_configured_429", (double) t.tooMany);
            f.put("over_configured_wall_seconds", LatencyFigures.round(t.seconds(), 1));
            f.putAll(outcome("over_configured", outcome));
            return f;
        }
    }

    private Map<String, Double> samples(LatencyOptions o, int run) throws IOException {
        Map<String, Double> f = new LinkedHashMap<>();
        long[] requests = new long[2];
        String[] modes = {"choices", "requests"};
        for (int i = 0; i < modes.length; i++) {
            try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                    .requestLogCapacity(LOG_CAPACITY).build());
                 LatencyWork work = LatencyWork.create(o.workRoot(), "samples-" + modes[i] + "-" + run, o.keep())) {
                Map<String, String> settings = work.settings(o, sim.baseUrl());
                settings.put("evalunit.urgent", "true");
                settings.put("evalunit.samples", "3");
                settings.put("evalunit.samples.mode", modes[i]);
                SuiteRun.Outcome outcome = SuiteRun.execute(List.of(LatencyOptions.MC1), settings);
                requests[i] = sim.requests().chatRequests();
                f.put("samples3_requests_" + modes[i], (double) requests[i]);
                f.put("samples3_prompt_tokens_" + modes[i], (double) sim.requests().billedPromptTokens());
                f.put("samples3_invocations_" + modes[i], (double) outcome.found());
            }
        }
        f.put("samples3_requests_ratio", LatencyFigures.round(requests[1] == 0 ? 0 : (double) requests[0] / requests[1], 3));
        return f;
    }

    private static Map<String, Double> outcome(String prefix, SuiteRun.Outcome outcome) {
        System.out.println("LatencyBench " + prefix + ": " + outcome.line());
        Map<String, Double> f = new LinkedHashMap<>();
        f.put(prefix + "_invocations", (double) outcome.found());
        f.put(prefix + "_aborted", (double) outcome.aborted());
        f.put(prefix + "_containers_failed", (double) outcome.containersFailed());
        f.put(prefix + "_run_seconds", LatencyFigures.round(outcome.seconds(), 1));
        return f;
    }

    /** The chat requests a simulator received: how many, how they were answered, first and last arrival. */
    private record Traffic(long chat, long ok, long tooMany, long firstNanos, long lastNanos) {

        static Traffic of(RequestLog log) {
            List<ReceivedRequest> kept = log.all();
            if (kept.size() < log.count()) {
                System.out.println("LatencyBench: the simulator kept " + kept.size() + " of " + log.count()
                        + " requests; the first and last arrivals are of the kept ones");
            }
            long chat = 0;
            long ok = 0;
            long tooMany = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (ReceivedRequest r : kept) {
                if (r.isChat()) {
                    chat++;
                    ok += r.status() == 200 ? 1 : 0;
                    tooMany += r.status() == 429 ? 1 : 0;
                    first = Math.min(first, r.receivedAtNanos());
                    last = Math.max(last, r.receivedAtNanos());
                }
            }
            return new Traffic(chat, ok, tooMany, first, last);
        }

        /** From the first chat request received to the last; NaN when fewer than two arrived. */
        double seconds() {
            return chat < 2 ? Double.NaN : (lastNanos - firstNanos) / 1e9;
        }
    }
}
