package dev.evalunit.bench;

import dev.evalunit.internal.client.DelayProxy;
import dev.evalunit.internal.client.RedisServer;
import dev.evalunit.internal.client.SharedGate;
import dev.evalunit.internal.client.SharedLimits;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several processes on one account ({@link ShardWorker}s, no rate-limit settings), each throttling alone or
 * sharing the limits through a real redis-server; one simulator limits the account over a 1 s window (OpenAI's
 * short-window way). Figures, into {@code target/bench/shared.json}, each the median of {@code -Dbench.runs}
 * runs (default 3; {@code <case>_runs} says how many), each run with a fresh simulator, warmed up by a
 * few requests it then forgets, and a fresh Redis:
 * <ul>
 *   <li>{@code <case>_efficiency}: the limit-bound ideal (requests over the server's rate) over the wall time
 *       from the first process's start (its client created, before its first request) to the last process's
 *       end: start-up, the first answers' latency and the ramp-up included, so 1 is the limit used from the first
 *       instant; {@code <case>_efficiency_from_first_answer} over the time from the first answer, as earlier
 *       figures were; {@code <case>_efficiency_with_jvm_start} from the moment the JVMs were launched;</li>
 *   <li>{@code <case>_429_share}: 429 responses over all the chat requests the server received;
 *       {@code <case>_failed}: requests that failed after retries; {@code <case>_startup_seconds}: from the first
 *       process's start to the first answer;</li>
 * </ul>
 * Cases ({@code -Dbench.only=} some of {@code single,local,shared,overhead,outage,relimit,remote}):
 * <ul>
 *   <li>{@code single}, {@code shards4_local}, {@code shards4}: 4,000 requests at 3,000 RPM and 200 ms, by one
 *       process, by four each alone, by four sharing through Redis on loopback;</li>
 *   <li>{@code redis_overhead_us_median}, {@code _p99}: what the calls a throttle makes of a gate for one request cost it
 *       (the pause read, the take, the settling; never a wait for Redis);</li>
 *   <li>{@code outage}: the shared case with Redis stopped 20 s in for 10 s ({@code redis_outage_errors});</li>
 *   <li>{@code relimit}: one process runs 100 requests against a server of 600 RPM, then one runs 4,000 against
 *       one of 3,000 RPM on the same Redis and namespace: {@code relimit_efficiency} is the second run's;</li>
 *   <li>{@code remote2ms}: four processes, Redis behind a proxy holding each byte 2 ms each way, a server of
 *       12,000 RPM at 200 ms, 12,000 requests; {@code remote2ms_single_rps}: one process, the same Redis, a
 *       server whose limit never binds and which answers at once: requests per second from its start.</li>
 * </ul>
 * It prints figures and asserts nothing about them.
 */
class SharedLimitsBench {

    private static final String ONLY = System.getProperty("bench.only", "");

    @Test
    @Timeout(value = 120, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", 4_000);
        figures.put("server_rpm", 3_000);
        figures.put("latency_ms", 200);
        boolean redis = RedisServer.binary() != null;
        if (selected("single")) {
            BenchSupport.medians("single_", figures, 4, run -> run(new Case("single", 1, 4_000, 3_000, 200), null, null));
        }
        if (selected("local")) {
            BenchSupport.medians("shards4_local_", figures, 4,
                    run -> run(new Case("shards4_local", 4, 4_000, 3_000, 200), null, null));
        }
        if (selected("shared") && redis) {
            BenchSupport.medians("shards4_", figures, 4, run -> {
                try (RedisServer server = RedisServer.start()) {
                    return run(new Case("shards4", 4, 4_000, 3_000, 200), server.url(), null);
                }
            });
        }
        if (selected("overhead") && redis) {
            BenchSupport.medians("redis_overhead_", figures, 1, run -> overhead());
        }
        if (selected("outage") && redis) {
            BenchSupport.medians("outage_", figures, 4, run -> outage());
        }
        if (selected("relimit") && redis) {
            BenchSupport.medians("relimit_", figures, 4, run -> relimit());
        }
        if (selected("remote") && redis) {
            BenchSupport.medians("remote2ms_", figures, 4, run -> {
                try (RedisServer server = RedisServer.start();
                     DelayProxy remote = DelayProxy.start(server.port(), Duration.ofMillis(2))) {
                    return run(new Case("remote2ms", 4, 12_000, 12_000, 200), remote.url(), null);
                }
            });
            BenchSupport.medians("remote2ms_single_", figures, 1, run -> {
                try (RedisServer server = RedisServer.start();
                     DelayProxy remote = DelayProxy.start(server.port(), Duration.ofMillis(2))) {
                    Map<String, Double> once = run(new Case("remote2ms_single", 1, 20_000, 1_000_000_000L, 0),
                            remote.url(), null);
                    double seconds = once.get("remote2ms_single_wall_seconds");
                    return Map.of("remote2ms_single_rps", 20_000 / seconds,
                            "remote2ms_single_failed", once.get("remote2ms_single_failed"));
                }
            });
        }
        BenchSupport.write("shared.json", figures);
    }

    private static boolean selected(String name) {
        return ONLY.isEmpty() || ONLY.contains(name);
    }

    /** A run: {@code processes} sending {@code requests} between them to a server of {@code rpm} at {@code latencyMs}. */
    private record Case(String name, int processes, int requests, long rpm, long latencyMs) {
        double idealSeconds() {
            return requests / (rpm / 60.0);
        }
    }

    /**
     * {@code redis_overhead_us_median}, {@code _p99}: what the shared buckets add to one request, the calls a
     * throttle makes under its lock (the pause read, the take, the settling), against a redis-server on loopback
     * (5,000 requests, limits far above them, after 500 to warm up). None waits for Redis: each draws on a
     * lease. The loop asks far faster than any limit, so it empties each lease before the next arrives; the
     * time it waits for one is the limit's doing, not the calls', and is left out (the call that found the
     * lease empty is counted in).
     */
    private static Map<String, Double> overhead() throws Exception {
        try (RedisServer redis = RedisServer.start();
             SharedLimits limits = SharedLimits.connect(URI.create(redis.url()), "overhead-" + UUID.randomUUID())) {
            SharedGate gate = limits.gate("gpt-4o-mini");
            gate.limits(1e6, 1e9, 1.0, System.nanoTime()); // far above 5,000 requests, within what Bucket4j takes
            Histogram nanos = new Histogram(3);
            for (int i = -500; i < 5_000; i++) {
                long begin = System.nanoTime();
                gate.pausedNanos(begin);
                long spent = System.nanoTime() - begin;
                long take = System.nanoTime();
                long wait = gate.tryTake(100, take);
                spent += System.nanoTime() - take;
                while (wait > 0) {
                    long[] held = gate.leased();
                    while (held[0] == 0 || held[1] < 100) {
                        Thread.onSpinWait(); // the next lease is on its way: the limit's wait, not the calls'
                        held = gate.leased();
                    }
                    take = System.nanoTime();
                    wait = gate.tryTake(100, take);
                    spent += System.nanoTime() - take;
                }
                long settle = System.nanoTime();
                gate.settle(10, settle);
                spent += System.nanoTime() - settle;
                if (i >= 0) {
                    nanos.recordValue(spent);
                }
            }
            return Map.of("redis_overhead_us_median", nanos.getValueAtPercentile(50) / 1e3,
                    "redis_overhead_us_p99", nanos.getValueAtPercentile(99) / 1e3);
        }
    }

    /**
     * {@code redis_outage_errors}: the shared run again, with Redis stopped 20 s in and started again 10 s later
     * on its port: requests that failed after their retries (the processes go on under their own limits).
     */
    private static Map<String, Double> outage() throws Exception {
        RedisServer[] redis = {RedisServer.start()};
        int port = redis[0].port();
        Thread outage = new Thread(() -> {
            try {
                Thread.sleep(20_000);
                redis[0].close();
                System.out.println("outage: Redis stopped");
                Thread.sleep(10_000);
                redis[0] = RedisServer.start(port);
                System.out.println("outage: Redis started again");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "redis-outage");
        outage.start();
        try {
            Map<String, Double> once = new LinkedHashMap<>(run(new Case("outage", 4, 4_000, 3_000, 200),
                    redis[0].url(), null));
            once.put("redis_outage_errors", once.remove("outage_failed"));
            return once;
        } finally {
            outage.join();
            redis[0].close();
        }
    }

    /**
     * A run against a server of 600 RPM leaves its bucket in Redis; the next, against 3,000 RPM with the same
     * Redis and namespace (an account upgraded a tier), must use the 3,000: {@code relimit_efficiency}.
     */
    private static Map<String, Double> relimit() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            String namespace = "relimit-" + UUID.randomUUID();
            run(new Case("relimit_first", 1, 100, 600, 200), redis.url(), namespace);
            Map<String, Double> second = run(new Case("relimit", 1, 4_000, 3_000, 200), redis.url(), namespace);
            return second;
        }
    }

    /**
     * Has a fresh simulator answer a few requests, then forgets them: OpenAI's servers have answered before a run
     * starts, and the figures are of the processes' start-up, not of the simulator's first request (its JIT and
     * WireMock's first handling cost the first answer most of a second on two cores).
     */
    private static void warmUp(OpenAiSimulator simulator) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + BenchSupport.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Which city is the capital of France?\"}]}"))
                .build();
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        }
        simulator.reset(); // its log and its buckets: the run starts with an account nothing has used
    }

    private static Map<String, Double> run(Case c, String redis, String namespace) throws Exception {
        SimulatorOptions.Builder server = SimulatorOptions.builder().requestsPerMinute(c.rpm())
                .tokensPerMinute(1_000_000_000L).burst(Duration.ofSeconds(1));
        if (c.latencyMs() > 0) {
            server.latency(Latency.fixed(Duration.ofMillis(c.latencyMs())));
        }
        try (OpenAiSimulator simulator = OpenAiSimulator.start(server.build())) {
            warmUp(simulator);
            List<Process> workers = new ArrayList<>();
            long launched = System.currentTimeMillis();
            long launchedNanos = System.nanoTime();
            for (int shard = 1; shard <= c.processes(); shard++) {
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                        // C1 only, as the benches' other child JVMs: four JVMs starting at once on two cores spend
                        // seconds compiling with C2 what a run of 3,000 requests does not need
                        "-XX:TieredStopAtLevel=1",
                        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", "")));
                if (redis != null) {
                    command.add("-Devalunit.shared-limits.redis=" + redis);
                }
                if (namespace != null) {
                    command.add("-Devalunit.shared-limits.namespace=" + namespace);
                }
                command.addAll(List.of(ShardWorker.class.getName(), simulator.baseUrl(),
                        String.valueOf(c.requests() / c.processes()), String.valueOf(shard)));
                workers.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            long start = Long.MAX_VALUE;
            long first = Long.MAX_VALUE;
            long end = 0;
            long failed = 0;
            for (Process worker : workers) {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("SHARD_DONE ")) {
                            Map<String, Long> v = new LinkedHashMap<>();
                            for (String pair : line.substring("SHARD_DONE ".length()).split(" ")) {
                                String[] kv = pair.split("=");
                                v.put(kv[0], Long.parseLong(kv[1]));
                            }
                            System.out.println(c.name() + " worker: " + line);
                            start = Math.min(start, v.get("start_ms"));
                            first = Math.min(first, v.get("first_ms"));
                            end = Math.max(end, v.get("end_ms"));
                            failed += v.get("failed");
                        }
                    }
                }
                worker.waitFor();
            }
            double wall = (end - start) / 1000.0;
            double fromFirst = (end - first) / 1000.0;
            long received = simulator.requests().chatRequests();
            long tooMany = simulator.requests().rateLimited();
            double ideal = c.idealSeconds();
            System.out.printf("%s: %d process(es), %.1f s from the first start to the first answer, %.1f s in all,"
                            + " %d requests received, %d answered 429, %d failed%n", c.name(), c.processes(),
                    (first - start) / 1000.0, wall, received, tooMany, failed);
            if (tooMany > 0) {
                // when the 429s came, by second since the launch: a start, an outage's edges, or all along
                Map<Long, Long> bySecond = new java.util.TreeMap<>();
                simulator.requests().all().stream().filter(r -> r.isChat() && r.status() == 429).forEach(r ->
                        bySecond.merge((r.receivedAtNanos() - launchedNanos) / 1_000_000_000L, 1L, Long::sum));
                System.out.println(c.name() + ": 429s by second since the launch " + bySecond);
            }
            Map<String, Double> once = new LinkedHashMap<>();
            once.put(c.name() + "_efficiency", ideal / wall);
            once.put(c.name() + "_efficiency_from_first_answer", ideal / fromFirst);
            once.put(c.name() + "_efficiency_with_jvm_start", ideal / ((end - launched) / 1000.0));
            once.put(c.name() + "_429_share", received == 0 ? 0 : (double) tooMany / received);
            once.put(c.name() + "_wall_seconds", wall);
            once.put(c.name() + "_startup_seconds", (first - start) / 1000.0);
            once.put(c.name() + "_failed", (double) failed);
            return once;
        }
    }
}
