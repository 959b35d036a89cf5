package dev.evalunit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.config.RetryConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.statistics.descriptive.Median;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Shared pieces of the benchmarks: configs, medians, the simulator as a child process, scratch
 * directories, the JSON out.
 */
final class BenchSupport {

    static final String KEY = "sk-" + "bench-0000000000000000000000";

    private BenchSupport() {
    }

    static EvalConfig config(String baseUrl, Long rpm, Long tpm, int concurrency) {
        return EvalConfig.defaults()
                .withOpenAI(new OpenAIConfig(KEY, URI.create(baseUrl), null, null,
                        Duration.ofSeconds(10), Duration.ofSeconds(60)))
                .withRateLimit(new RateLimitConfig(
                        rpm == null ? OptionalLong.empty() : OptionalLong.of(rpm),
                        tpm == null ? OptionalLong.empty() : OptionalLong.of(tpm), concurrency, true))
                .withRetry(new RetryConfig(8, Duration.ofMillis(100), Duration.ofSeconds(10), 0.25));
    }

    /** The median of the runs' values, by Commons Statistics (the mean of the middle two when there are an even number). */
    static double median(double... values) {
        return Median.withDefaults().evaluate(values);
    }

    /** How many times a bench runs each measurement, {@code -Dbench.runs} (default 3): each figure is the median. */
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    /** One run's figures, by name. */
    @FunctionalInterface
    interface Run {
        Map<String, Double> once(int run) throws Exception;
    }

    /**
     * Runs {@code run} {@link #RUNS} times and puts into {@code figures} the median of each figure, rounded to
     * {@code digits}, with {@code <prefix>runs}: every figure a README quotes is a median computed here, not one
     * run's value.
     */
    static void medians(String prefix, Map<String, Object> figures, int digits, Run run) throws Exception {
        Map<String, double[]> all = new LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, Double> once = run.once(i + 1);
            System.out.printf(Locale.ROOT, "%srun %d/%d: %s%n", prefix, i + 1, RUNS, once);
            for (Map.Entry<String, Double> figure : once.entrySet()) {
                all.computeIfAbsent(figure.getKey(), k -> new double[RUNS])[i] = figure.getValue();
            }
        }
        figures.put(prefix + "runs", RUNS);
        all.forEach((name, values) -> figures.put(name, round(median(values), digits)));
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** CPU time of this whole process, all threads, in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void write(String name, Map<String, Object> figures) throws IOException {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
        System.out.println("BENCH " + file.toAbsolutePath() + "\n"
                + Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The simulator in a process of its own, so this process's CPU time is the client's alone. */
    static final class ChildSimulator implements AutoCloseable {
        final Process process;
        final String baseUrl;

        ChildSimulator(String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
                    "dev.evalunit.simulator.OpenAiSimulatorMain"));
            command.addAll(List.of(options));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String url = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SIMULATOR_BASE_URL=")) {
                    url = line.substring("SIMULATOR_BASE_URL=".length());
                    break;
                }
            }
            if (url == null) {
                process.destroyForcibly();
                throw new IOException("the simulator process printed no SIMULATOR_BASE_URL line");
            }
            baseUrl = url;
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** A scratch directory under {@code target/bench-work}, deleted with everything in it on close. */
    static final class WorkDir implements AutoCloseable {
        final Path root;

        private WorkDir(Path root) {
            this.root = root;
        }

        static WorkDir create(String name) throws IOException {
            // absolute: a relative checkpoint directory is resolved against the project root, not here
            Path parent = Files.createDirectories(Path.of("target", "bench-work").toAbsolutePath());
            return new WorkDir(Files.createTempDirectory(parent, name + "-"));
        }

        /** {@code root/name}, created. */
        Path dir(String name) throws IOException {
            return Files.createDirectories(root.resolve(name));
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
