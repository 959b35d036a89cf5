package dev.evalunit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.internal.client.TokenEstimator;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import dev.evalunit.junit.ChildRun;
import dev.evalunit.junit.ChildRunProcess;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The figures of issue 11 (results a scientist can trust), through the JUnit extension where a run is
 * what is measured, and writes {@code target/bench/trust.json}:
 *
 * <ul>
 * <li>{@code quota}: {@code quota_requests_sent}, what a server answering {@code insufficient_quota} to
 *     everything receives from a 2,370-invocation run allowed 64 in flight (the old client sent all 2,370);</li>
 * <li>{@code outage}: {@code outage_errors} of a 500-invocation run (200 ms answers) during which the server
 *     fails every request for 20 s, with the default breaker (30 s open delay, 5 min outage budget), and
 *     {@code outage_run_seconds};</li>
 * <li>{@code locked}: {@code locked_requests_sent}, what a second JVM started on a state another JVM is
 *     using sends (the old run sent every request again);</li>
 * <li>{@code origin}: {@code replayed_after_simulated}, answers a run with a key replays after a run on the
 *     simulator answered the same suite (the old run replayed all);</li>
 * <li>{@code budget}: {@code budget_overshoot_usd} over the cap of what the server billed, with 10 % of the
 *     answers outlasting the client's timeout and 30 % without usage, against {@code budget_in_flight_usd},
 *     what the requests in flight may add; {@code budget_overshoot_over_in_flight} is their ratio (at most 1).</li>
 * </ul>
 *
 * {@code -Dbench.only=quota,outage,locked,origin,budget} runs a subset. It prints figures.
 */
class TrustBench {

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        Set<String> only = Set.of(System.getProperty("bench.only", "").split("\\s*,\\s*"));
        boolean all = only.equals(Set.of(""));
        if (all || only.contains("quota")) {
            quota(figures);
        }
        if (all || only.contains("outage")) {
            outage(figures);
        }
        if (all || only.contains("locked")) {
            locked(figures);
        }
        if (all || only.contains("origin")) {
            origin(figures);
        }
        if (all || only.contains("budget")) {
            budget(figures);
        }
        if (figures.isEmpty()) {
            System.out.println("TrustBench: -Dbench.only names none of quota, outage, locked, origin, budget");
            return;
        }
        BenchSupport.write("trust.json", figures);
    }

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Trust")
    static class TrustTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, Integer.getInteger("trust.questions", 100))
                    .mapToObj(i -> new Row("q-" + i, "Question " + i + ": yes or no?\nA. yes\nB. no"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 0.5, 1.0})
        void answers(Row row, Answer answer) {
        }
    }

    private static Map<String, String> parameters(OpenAiSimulator sim, Path state, int concurrency) {
        Map<String, String> p = ExtensionBench.parameters(sim.baseUrl(), state, concurrency);
        p.put("evalunit.urgent", "true");
        return p;
    }

    private static ChildRun.Summary run(int questions, Map<String, String> parameters) {
        System.setProperty("trust.questions", Integer.toString(questions));
        try {
            return ChildRun.execute(List.of(TrustTestCase.class.getName()), parameters);
        } finally {
            System.clearProperty("trust.questions");
        }
    }

    private void quota(Map<String, Object> figures) throws IOException {
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder().insufficientQuota(true)
                .latency(Latency.fixed(Duration.ofMillis(200))).build());
             BenchSupport.WorkDir work = BenchSupport.WorkDir.create("quota")) {
            ChildRun.Summary run = run(790, parameters(sim, work.dir("state"), 64));
            figures.put("quota_invocations", run.found());
            figures.put("quota_requests_sent", sim.requests().chatRequests());
            figures.put("quota_aborted_not_sent", run.aborted());
        }
    }

    private void outage(Map<String, Object> figures) throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).build());
             BenchSupport.WorkDir work = BenchSupport.WorkDir.create("outage")) {
            Map<String, String> p = parameters(sim, work.dir("state"), 10);
            SimulatorOptions normal = sim.options();
            CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
                while (sim.requests().served200() < 100) {
                    Thread.onSpinWait();
                }
                sim.reconfigure(normal.toBuilder().serverErrorShare(1).build());
                sleep(Duration.ofSeconds(20));
                sim.reconfigure(normal);
            });
            long start = System.nanoTime();
            ChildRun.Summary run = run(167, p); // 501 invocations
            outage.join();
            figures.put("outage_invocations", run.found());
            figures.put("outage_errors", run.failed());
            figures.put("outage_answered", run.succeeded());
            figures.put("outage_failed_requests_seen", sim.requests().count(r -> r.isChat() && r.status() == 500));
            figures.put("outage_run_seconds", BenchSupport.round((System.nanoTime() - start) / 1e9, 1));
        }
    }

    private void locked(Map<String, Object> figures) throws Exception {
        try (OpenAiSimulator first = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).build());
             OpenAiSimulator second = OpenAiSimulator.start(SimulatorOptions.defaults());
             BenchSupport.WorkDir work = BenchSupport.WorkDir.create("locked")) {
            Path state = work.dir("state");
            try (ChildRunProcess running = child(parameters(first, state, 4), 100)) {
                running.awaitStarted(Duration.ofSeconds(60));
                while (first.requests().served200() < 8 && running.process().isAlive()) {
                    Thread.sleep(20);
                }
                try (ChildRunProcess locked = child(parameters(second, state, 4), 100)) {
                    ChildRunProcess.Result result = locked.await(Duration.ofSeconds(90));
                    figures.put("locked_exit_code", result.exitCode());
                }
                figures.put("locked_requests_sent", second.requests().chatRequests());
                ChildRunProcess.Result whole = running.await(Duration.ofMinutes(3));
                figures.put("locked_first_run_answered", whole.summary().map(ChildRun.Summary::succeeded).orElse(-1L));
            }
        }
    }

    private static ChildRunProcess child(Map<String, String> parameters, int questions) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(TrustTestCase.class.getName()));
        parameters.forEach((k, v) -> arguments.add(k + "=" + v));
        return ChildRunProcess.start(List.of("-XX:TieredStopAtLevel=1", "-Dtrust.questions=" + questions), arguments);
    }

    private void origin(Map<String, Object> figures) throws Exception {
        try (OpenAiSimulator live = OpenAiSimulator.start(SimulatorOptions.defaults());
             BenchSupport.WorkDir work = BenchSupport.WorkDir.create("origin")) {
            Path state = work.dir("state");
            Map<String, String> simulated = parameters(live, state, 32);
            simulated.remove("evalunit.openai.api-key");
            simulated.remove("evalunit.openai.base-url");
            try (ChildRunProcess child = child(simulated, 100)) {
                ChildRunProcess.Result result = child.await(Duration.ofMinutes(2));
                assertEquals(300L, result.summary().map(ChildRun.Summary::succeeded).orElse(-1L), "the simulated run");
            }
            ChildRun.Summary run = run(100, parameters(live, state, 32));
            figures.put("origin_invocations", run.found());
            figures.put("replayed_after_simulated", run.found() - live.requests().chatRequests());
        }
    }

    private void budget(Map<String, Object> figures) {
        ChatRequest request = ChatRequest.user("What is the capital of Australia?").maxTokens(20);
        ModelPrice price = PriceTable.defaults().forModel("gpt-4o-mini").orElseThrow();
        double estimate = price.cost(TokenEstimator.shared().countMessages("gpt-4o-mini", request.messages()), 0, 20, false);
        int inFlight = 32;
        double cap = 500 * estimate;
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).slowShare(0.1).slowLatency(Duration.ofSeconds(3))
                .usageOmittedShare(0.3).faultSeed(11).build())) {
            EvalConfig config = BenchSupport.config(sim.baseUrl(), 600_000L, 100_000_000L, inFlight)
                    .withOpenAI(new OpenAIConfig(BenchSupport.KEY, URI.create(sim.baseUrl()), null, null,
                            Duration.ofSeconds(2), Duration.ofSeconds(1)))
                    .withBudgetUsd(OptionalDouble.of(cap));
            try (ThrottledClient client = ThrottledClient.create(config)) {
                List<CompletableFuture<Completion>> answers = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    answers.add(client.generateAsync(request.temperature(1.0).seed(i)));
                }
                CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
                sleep(Duration.ofSeconds(4)); // slow answers the client gave up on are still generated, and billed
                double billed = price.cost(sim.requests().billedPromptTokens(), 0,
                        sim.requests().billedCompletionTokens(), false);
                figures.put("budget_cap_usd", BenchSupport.round(cap, 6));
                figures.put("budget_billed_usd", BenchSupport.round(billed, 6));
                figures.put("budget_overshoot_usd", BenchSupport.round(billed - cap, 6));
                figures.put("budget_in_flight_usd", BenchSupport.round(inFlight * estimate, 6));
                figures.put("budget_overshoot_over_in_flight", BenchSupport.round((billed - cap) / (inFlight * estimate), 3));
                figures.put("budget_possibly_spent_attempts", client.budget().possiblySpentAttempts());
                figures.put("budget_requests_sent", sim.requests().chatRequests());
            }
        }
        System.out.printf(Locale.ROOT, "budget: %s%n", figures.get("budget_overshoot_over_in_flight"));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
