package dev.evalunit.bench;

import static dev.evalunit.bench.BenchSupport.RUNS;

import dev.evalunit.ChatRequest;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against the built-in simulator's Anthropic Messages API at a real model's latency (1 s) and the
 * simulator's own Anthropic limits (4,000 requests, 2,000,000 input and 400,000 output tokens a minute), with nothing
 * configured: the share of the request limit kept busy over a window after a warm-up, and the share of requests
 * answered 429. Writes {@code target/bench/anthropic.json}; each figure is the median of {@code -Dbench.runs} runs.
 * It prints figures; it asserts nothing about speed. {@code -Dbench.window=S} sets the measured window (default 15).
 */
class AnthropicBench {

    private static final int WINDOW_SECONDS = Integer.getInteger("bench.window", 15);
    /** Long enough for the probe, the first answers and the derived concurrency to settle at 1 s a round trip. */
    private static final int WARM_UP_SECONDS = 5;
    private static final String MODEL = "anthropic:claude-haiku-4-5";

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty() && !only.contains("anthropic")) {
            System.out.println("AnthropicBench: -Dbench.only does not name anthropic; anthropic.json left as it was");
            return;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        BenchSupport.medians("anthropic_", figures, 4, run -> once());
        figures.put("anthropic_latency_ms", 1000);
        figures.put("anthropic_window_seconds", WINDOW_SECONDS);
        BenchSupport.write("anthropic.json", figures);
    }

    private static Map<String, Double> once() throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().latency(Latency.fixed(Duration.ofSeconds(1))).build();
        double ceilingPerSecond = options.anthropicRequestsPerMinute() / 60.0;
        try (OpenAiSimulator sim = OpenAiSimulator.start(options);
             ThrottledClient client = ThrottledClient.create(EvalConfig.load(ConfigSources.of(Map.of(
                     "evalunit.anthropic.api-key", "sk-ant-" + "bench-0000000000000000000000",
                     "evalunit.anthropic.base-url", sim.anthropicBaseUrl()), Map.of(), null)))) {
            int total = (int) (ceilingPerSecond * (WARM_UP_SECONDS + WINDOW_SECONDS + 5));
            ConcurrentLinkedQueue<Long> done = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                client.generateAsync(ChatRequest.user("Question " + i + ": which city is the capital of the country "
                        + "numbered " + i + "?").maxTokens(24).model(MODEL)).thenAccept(c -> done.add(System.nanoTime()));
            }
            long from = start + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
            long to = from + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
            while (System.nanoTime() < to + TimeUnit.MILLISECONDS.toNanos(200)) {
                Thread.sleep(100);
            }
            long achieved = done.stream().filter(t -> t >= from && t < to).count();
            double efficiency = achieved / (double) WINDOW_SECONDS / ceilingPerSecond;
            double share429 = (double) sim.requests().rateLimited() / Math.max(1, sim.requests().messagesRequests());
            return Map.of("anthropic_efficiency", efficiency, "anthropic_429_share", share429,
                    "anthropic_requests", (double) sim.requests().messagesRequests());
        }
    }
}
