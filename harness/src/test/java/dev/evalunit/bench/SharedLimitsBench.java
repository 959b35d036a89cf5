package dev.evalunit.bench;

import dev.evalunit.internal.throttle.RedisServer;
import dev.evalunit.internal.throttle.SharedLimits;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's baseline: several processes on one account, each throttling alone. One simulator limits the
 * account to 3,000 requests per minute over a 1 s window (OpenAI's short-window way) and answers in 200 ms;
 * 4,000 requests are sent by one process, then split over four ({@link ShardWorker}, no rate-limit settings).
 * Figures, into {@code target/bench/shared.json}:
 * <ul>
 *   <li>{@code <case>_429_share}: 429 responses over all the chat requests the server received;</li>
 *   <li>{@code <case>_efficiency}: the limit-bound ideal (4,000 / 50 per second = 80 s) over the wall time
 *       from the first answer any process got to the last process's end: the time the processes were
 *       sending;</li>
 *   <li>{@code <case>_startup_seconds}: from the first process's start to the first answer (JVMs, the
 *       client, the first request: four JVMs starting at once on a machine of two cores take about four times
 *       as long as one, where a CI matrix gives each its own machine), and
 *       {@code <case>_efficiency_with_startup}, the ideal over the whole wall time;</li>
 *   <li>{@code <case>_failed}: requests that failed after retries.</li>
 * </ul>
 * Cases: {@code single} (one process), {@code shards4_local} (four processes, limits not shared) and
 * {@code shards4} (four processes sharing the limit through a real redis-server, {@code evalunit.shared-limits.redis}).
 * Each figure is the median of {@code -Dbench.runs} runs (default 3; {@code <case>_runs} says how many), each run
 * with a fresh simulator (and Redis). {@code -Dbench.only=single,local,shared,overhead,outage} runs a subset. It
 * prints figures and asserts nothing about them.
 */
class SharedLimitsBench {

    private static final int REQUESTS = 4_000;
    private static final long RPM = 3_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        String only = System.getProperty("bench.only", "");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", REQUESTS);
        figures.put("server_rpm", RPM);
        figures.put("latency_ms", 200);
        figures.put("ideal_seconds", REQUESTS / (RPM / 60.0));
        if (only.isEmpty() || only.contains("single")) {
            BenchSupport.medians("single_", figures, 4, run -> run("single", 1, null));
        }
        if (only.isEmpty() || only.contains("local")) {
            BenchSupport.medians("shards4_local_", figures, 4, run -> run("shards4_local", 4, null));
        }
        if ((only.isEmpty() || only.contains("shared")) && RedisServer.binary() != null) {
            BenchSupport.medians("shards4_", figures, 4, run -> {
                try (RedisServer redis = RedisServer.start()) {
                    return run("shards4", 4, redis.url());
                }
            });
        }
        if ((only.isEmpty() || only.contains("overhead")) && RedisServer.binary() != null) {
            overhead(figures);
        }
        if ((only.isEmpty() || only.contains("outage")) && RedisServer.binary() != null) {
            outage(figures);
        }
        BenchSupport.write("shared.json", figures);
    }

    /**
     * {@code redis_overhead_us_median}, {@code _p99}: what the shared buckets add to one request, the take
     * before it leaves and the settling after, against a redis-server on loopback (5,000 requests, limits far
     * above them, after 500 to warm up).
     */
    private static void overhead(Map<String, Object> figures) throws Exception {
        BenchSupport.medians("redis_overhead_", figures, 1, run -> overheadOnce());
    }

    private static Map<String, Double> overheadOnce() throws Exception {
        try (RedisServer redis = RedisServer.start();
             SharedLimits limits = SharedLimits.connect(java.net.URI.create(redis.url()), "overhead")) {
            SharedLimits.Gate gate = limits.gate("gpt-4o-mini");
            gate.limits(1e6, 1e9, 1.0, System.nanoTime()); // far above 5,000 requests, within what Bucket4j takes
            double[] micros = new double[5_000];
            for (int i = -500; i < micros.length; i++) {
                long begin = System.nanoTime();
                gate.pausedNanos(begin);
                gate.tryTake(100, begin);
                gate.settle(10, System.nanoTime());
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - begin) / 1e3;
                }
            }
            java.util.Arrays.sort(micros);
            return Map.of("redis_overhead_us_median", micros[micros.length / 2],
                    "redis_overhead_us_p99", micros[(int) (micros.length * 0.99)]);
        }
    }

    /**
     * {@code redis_outage_errors}: the shared run again, with Redis stopped 20 s in and started again 10 s later
     * on its port: requests that failed after their retries (the processes go on under their own limits).
     */
    private static void outage(Map<String, Object> figures) throws Exception {
        BenchSupport.medians("outage_", figures, 4, run -> outageOnce());
    }

    private static Map<String, Double> outageOnce() throws Exception {
        RedisServer[] redis = {RedisServer.start()};
        int port = redis[0].port();
        Thread outage = new Thread(() -> {
            try {
                Thread.sleep(20_000);
                redis[0].close();
                Thread.sleep(10_000);
                redis[0] = RedisServer.start(port);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "redis-outage");
        outage.start();
        try {
            Map<String, Double> once = new LinkedHashMap<>(run("outage", 4, redis[0].url()));
            once.put("redis_outage_errors", once.remove("outage_failed"));
            return once;
        } finally {
            outage.join();
            redis[0].close();
        }
    }

    private static Map<String, Double> run(String name, int processes, String redis) throws Exception {
        try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).requestsPerMinute(RPM).tokensPerMinute(100_000_000)
                .burst(Duration.ofSeconds(1)).build())) {
            List<Process> workers = new ArrayList<>();
            for (int shard = 1; shard <= processes; shard++) {
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", "")));
                if (redis != null) {
                    command.add("-Devalunit.shared-limits.redis=" + redis);
                }
                command.addAll(List.of(ShardWorker.class.getName(), simulator.baseUrl(),
                        String.valueOf(REQUESTS / processes), String.valueOf(shard)));
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
                            System.out.println(name + " worker: " + line);
                            start = Math.min(start, v.get("start_ms"));
                            first = Math.min(first, v.get("first_ms"));
                            end = Math.max(end, v.get("end_ms"));
                            failed += v.get("failed");
                        }
                    }
                }
                worker.waitFor();
            }
            double wall = (end - first) / 1000.0;
            double startup = (first - start) / 1000.0;
            long received = simulator.requests().chatRequests();
            long tooMany = simulator.requests().rateLimited();
            double ideal = REQUESTS / (RPM / 60.0);
            System.out.printf("%s: %d process(es), %.1f s to the first answer, then %.1f s, %d requests received,"
                    + " %d answered 429, %d failed%n", name, processes, startup, wall, received, tooMany, failed);
            Map<String, Double> once = new LinkedHashMap<>();
            once.put(name + "_429_share", received == 0 ? 0 : (double) tooMany / received);
            once.put(name + "_efficiency", ideal / wall);
            once.put(name + "_wall_seconds", wall);
            once.put(name + "_startup_seconds", startup);
            once.put(name + "_efficiency_with_startup", ideal / (wall + startup));
            once.put(name + "_failed", (double) failed);
            return once;
        }
    }
}
