package dev.evalunit.bench;

import static dev.evalunit.bench.BenchSupport.median;
import static dev.evalunit.bench.BenchSupport.round;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Measures the shared client against the simulator and writes {@code target/bench/client.json}.
 * Each figure is the median of several runs. It prints figures; it asserts nothing about speed.
 * {@code -Dbench.runs=N} sets the number of runs (default 3), {@code -Dbench.window=S} the seconds
 * of each rate-bound run (default 15), {@code -Dbench.only=overhead,rate} a subset (speedup,
 * overhead, rate, latency).
 */
class ClientBench {

    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int WINDOW_SECONDS = Integer.getInteger("bench.window", 15);
    private static final int OVERHEAD_REQUESTS = 10_000;

    private static ChatRequest question(int i) {
        return ChatRequest.user("Question " + i + ": which city is the capital of the country numbered " + i + "?")
                .maxTokens(24);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        String only = System.getProperty("bench.only", "");
        if (only.isEmpty() || only.contains("speedup")) {
            speedups(figures);
        }
        if (only.isEmpty() || only.contains("overhead")) {
            overhead(figures);
        }
        if (only.isEmpty() || only.contains("rate")) {
            rateBound(figures);
        }
        if (only.isEmpty() || only.contains("latency")) {
            latencyUnderLimit(figures);
        }
        if (figures.isEmpty()) { // -Dbench.only named another bench's figures only: keep the last client.json
            System.out.println("ClientBench: -Dbench.only names none of speedup, overhead, rate, latency; client.json left as it was");
            return;
        }
        BenchSupport.write("client.json", figures);
    }

    // --- throughput over sequential at 100 ms latency --------------------------------------------

    private void speedups(Map<String, Object> figures) throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(100))).build())) {
            double[] c10 = new double[RUNS];
            double[] c64 = new double[RUNS];
            throughput(sim, 64, 2_000); // warm the JIT and the simulator; not counted
            for (int run = 0; run < RUNS; run++) {
                double sequential = throughput(sim, 1, 30);
                c10[run] = throughput(sim, 10, 400) / sequential;
                c64[run] = throughput(sim, 64, 2_000) / sequential;
                System.out.printf("speedup run %d: sequential %.1f/s, c10 %.1fx, c64 %.1fx%n", run, sequential,
                        c10[run], c64[run]);
            }
            figures.put("speedup_c10", round(median(c10), 2));
            figures.put("speedup_c64", round(median(c64), 2));
        }
    }

    private static double throughput(OpenAiSimulator sim, int concurrency, int requests) {
        try (ThrottledClient client = ThrottledClient.create(BenchSupport.config(sim.baseUrl(), null, null, concurrency))) {
            client.generate(question(-1)); // learn that the simulator advertises no limits
            long start = System.nanoTime();
            if (concurrency == 1) {
                for (int i = 0; i < requests; i++) {
                    client.generate(question(i));
                }
            } else {
                List<CompletableFuture<Completion>> all = new ArrayList<>(requests);
                for (int i = 0; i < requests; i++) {
                    all.add(client.generateAsync(question(i)));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            }
            double perSecond = requests / ((System.nanoTime() - start) / 1e9);
            var m = client.metrics().snapshot().models().get("gpt-4o-mini");
            System.out.printf("  concurrency %d: %.1f/s, round trip p50 %.1f ms p95 %.1f ms%n", concurrency, perSecond,
                    m.p50Ms(), m.p95Ms());
            return perSecond;
        }
    }

    // --- overhead against bare openai-java, zero latency, no limits -------------------------------

    private void overhead(Map<String, Object> figures) throws Exception {
        int concurrency = 64;
        try (BenchSupport.ChildSimulator sim = new BenchSupport.ChildSimulator("--latency-ms", "0")) {
            try (ThrottledClient ours = ThrottledClient.create(BenchSupport.config(sim.baseUrl, null, null, concurrency));
                 Bare bare = new Bare(sim.baseUrl, concurrency)) {
                for (int warm = 0; warm < 3; warm++) { // JIT both paths, and the simulator, before measuring
                    runOurs(ours, OVERHEAD_REQUESTS);
                    bare.run(OVERHEAD_REQUESTS);
                }
                double[] ratios = new double[RUNS];
                double[] cpu = new double[RUNS];
                double[] bareCpu = new double[RUNS];
                double[] oursRps = new double[RUNS];
                double[] bareRps = new double[RUNS];
                for (int run = 0; run < RUNS; run++) {
                    long bareCpuBefore = BenchSupport.processCpuNanos();
                    long bareNanos = bare.run(OVERHEAD_REQUESTS);
                    bareCpu[run] = (BenchSupport.processCpuNanos() - bareCpuBefore) / 1e3 / OVERHEAD_REQUESTS;
                    long cpuBefore = BenchSupport.processCpuNanos();
                    long oursNanos = runOurs(ours, OVERHEAD_REQUESTS);
                    cpu[run] = (BenchSupport.processCpuNanos() - cpuBefore) / 1e3 / OVERHEAD_REQUESTS;
                    ratios[run] = (double) oursNanos / bareNanos;
                    oursRps[run] = OVERHEAD_REQUESTS / (oursNanos / 1e9);
                    bareRps[run] = OVERHEAD_REQUESTS / (bareNanos / 1e9);
                    System.out.printf("overhead run %d: bare %.0f/s (%.0f us CPU), ours %.0f/s (%.0f us CPU), ratio %.3f%n",
                            run, bareRps[run], bareCpu[run], oursRps[run], cpu[run], ratios[run]);
                }
                figures.put("overhead_ratio", round(median(ratios), 3));
                figures.put("cpu_us_per_request", round(median(cpu), 1));
                figures.put("bare_cpu_us_per_request", round(median(bareCpu), 1));
                figures.put("overhead_requests", OVERHEAD_REQUESTS);
                figures.put("overhead_ours_rps", round(median(oursRps), 0));
                figures.put("overhead_bare_rps", round(median(bareRps), 0));
            }
        }
    }

    private static long runOurs(ThrottledClient client, int requests) {
        long start = System.nanoTime();
        List<CompletableFuture<Completion>> all = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            all.add(client.generateAsync(question(i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return System.nanoTime() - start;
    }

    /** openai-java's async client alone, with the same OkHttp settings our transport uses. */
    private static final class Bare implements AutoCloseable {
        private final OpenAIClientAsync client;

        Bare(String baseUrl, int concurrency) {
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequests(concurrency);
            dispatcher.setMaxRequestsPerHost(concurrency);
            OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher)
                    .connectionPool(new ConnectionPool(concurrency, 5, TimeUnit.MINUTES))
                    .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(60))
                    .writeTimeout(Duration.ofSeconds(60)).callTimeout(Duration.ofSeconds(60)).build();
            client = OpenAIOkHttpClientAsync.builder().okHttpClient(http).baseUrl(baseUrl)
                    .apiKey(BenchSupport.KEY).maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        }

        long run(int requests) {
            long start = System.nanoTime();
            List<CompletableFuture<?>> all = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                ChatRequest q = question(i);
                var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini").addUserMessage(q.messages().get(0).content())
                        .maxCompletionTokens(q.maxTokens()).build();
                all.add(client.chat().completions().withRawResponse().create(params)
                        .thenApply(raw -> raw.parse()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            return System.nanoTime() - start;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    // --- efficiency against the simulator's enforced ceiling --------------------------------------

    private void rateBound(Map<String, Object> figures) throws Exception {
        long rpm = 3_000; // 50 a second
        long tpm = 60_000; // 1,000 tokens a second
        double[] rpmEff = new double[RUNS];
        double[] rpm429 = new double[RUNS];
        double[] tpmEff = new double[RUNS];
        double[] tpm429 = new double[RUNS];
        double[] adaptiveEff = new double[RUNS];
        double[] adaptive429 = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            double[] r = rateRun(SimulatorOptions.builder().requestsPerMinute(rpm), rpm, null, false);
            rpmEff[run] = r[0];
            rpm429[run] = r[1];
            double[] t = rateRun(SimulatorOptions.builder().tokensPerMinute(tpm), null, tpm, true);
            tpmEff[run] = t[0];
            tpm429[run] = t[1];
            double[] a = rateRun(SimulatorOptions.builder().requestsPerMinute(rpm), null, null, false);
            adaptiveEff[run] = a[0];
            adaptive429[run] = a[1];
            System.out.printf("rate run %d: rpm %.3f (429 %.4f), tpm %.3f (429 %.4f), adaptive %.3f (429 %.4f)%n",
                    run, r[0], r[1], t[0], t[1], a[0], a[1]);
        }
        figures.put("rpm_efficiency", round(median(rpmEff), 3));
        figures.put("rpm_429_share", round(median(rpm429), 4));
        figures.put("tpm_efficiency", round(median(tpmEff), 3));
        figures.put("tpm_429_share", round(median(tpm429), 4));
        figures.put("adaptive_efficiency", round(median(adaptiveEff), 3));
        figures.put("adaptive_429_share", round(median(adaptive429), 4));
        figures.put("rate_window_seconds", WINDOW_SECONDS);
    }

    /**
     * Keeps the client saturated for the window plus a warm-up second and returns the achieved rate
     * over the window divided by the simulator's ceiling (requests, or tokens when {@code byTokens}),
     * and the share of requests the simulator answered 429.
     */
    private static double[] rateRun(SimulatorOptions.Builder options, Long rpm, Long tpm, boolean byTokens)
            throws Exception {
        SimulatorOptions simOptions = options.latency(Latency.fixed(Duration.ofMillis(50))).build();
        double ceilingPerSecond = byTokens ? simOptions.tokensPerMinute() / 60.0 : simOptions.requestsPerMinute() / 60.0;
        try (OpenAiSimulator sim = OpenAiSimulator.start(simOptions);
             ThrottledClient client = ThrottledClient.create(BenchSupport.config(sim.baseUrl(), rpm, tpm, 64))) {
            int total = (int) (ceilingPerSecond / (byTokens ? 30 : 1) * (WINDOW_SECONDS + 5));
            ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                client.generateAsync(question(i)).thenAccept(c ->
                        done.add(new long[] {System.nanoTime(), c.promptTokens() + c.completionTokens()}));
            }
            long from = start + TimeUnit.SECONDS.toNanos(1);
            long to = from + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
            while (System.nanoTime() < to + TimeUnit.MILLISECONDS.toNanos(200)) {
                Thread.sleep(100);
            }
            double achieved = 0;
            for (long[] d : done) {
                if (d[0] >= from && d[0] < to) {
                    achieved += byTokens ? d[1] : 1;
                }
            }
            double efficiency = achieved / WINDOW_SECONDS / ceilingPerSecond;
            double share429 = (double) sim.requests().rateLimited() / Math.max(1, sim.requests().chatRequests());
            return new double[] {efficiency, share429};
        }
    }

    // --- latency while under the limit -------------------------------------------------------------

    private void latencyUnderLimit(Map<String, Object> figures) throws Exception {
        double[] p95 = new double[RUNS];
        double[] p95Rtt = new double[RUNS];
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).requestsPerMinute(6_000).build())) {
            for (int run = 0; run < RUNS; run++) {
                try (ThrottledClient client = ThrottledClient.create(BenchSupport.config(sim.baseUrl(), 6_000L, null, 10))) {
                    Histogram elapsed = new Histogram(3);
                    Histogram rtt = new Histogram(3);
                    List<CompletableFuture<Void>> all = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        all.add(client.generateAsync(question(i)).thenAccept(c -> {
                            synchronized (elapsed) {
                                elapsed.recordValue(c.elapsed().toMillis());
                                rtt.recordValue(c.latency().toMillis());
                            }
                        }));
                        Thread.sleep(25); // 40 a second: under both the 100/s limit and 10 x 5/s concurrency
                    }
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                    p95[run] = elapsed.getValueAtPercentile(95);
                    p95Rtt[run] = rtt.getValueAtPercentile(95);
                    System.out.printf("latency run %d: p95 elapsed %.0f ms, p95 round trip %.0f ms%n", run, p95[run],
                            p95Rtt[run]);
                }
            }
        }
        figures.put("p95_ms_under_limit", round(median(p95), 1));
        figures.put("p95_round_trip_ms_under_limit", round(median(p95Rtt), 1));
    }
}
