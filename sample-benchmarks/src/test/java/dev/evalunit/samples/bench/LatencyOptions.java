package dev.evalunit.samples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What {@link LatencyBench} runs, from {@code -Dbench.*} system properties (Maven passes its {@code -D}
 * ones to the tests). Immutable.
 *
 * <ul>
 * <li>{@code bench.runs}: runs per figure, the median is kept, as in every bench; default 3 (a run here takes
 *     minutes: {@code -Dbench.latency.runs=1} for one run of this bench alone).</li>
 * <li>{@code bench.only}: some of {@code efficiency,batch,overconfigured,samples}; default all.</li>
 * <li>{@code bench.latency.ms}: the simulator's answer time of the real-time and batch-mode runs; default 1000.</li>
 * <li>{@code bench.rpm}: the server's request limit, enforced over 1 s; default 3000. {@code bench.tpm}: its
 *     token limit; default 10,000,000, which never binds.</li>
 * <li>{@code bench.suites}: the main job's classes, simple names in {@code dev.evalunit.samples.truthfulqa}
 *     or binary names; default the three TruthfulQA suites. The over-configured and samples figures run MC1.</li>
 * <li>{@code bench.questions}: the first N questions of each file only (through {@code evalunit.question});
 *     default all.</li>
 * <li>{@code bench.datasets.dir}: the directory holding {@code truthfulqa/}, passed as
 *     {@code evalunit.datasets.dir}; default {@code ../../shared/datasets} of the module when it exists,
 *     else unset (the run finds or downloads the files as usual); empty for unset.</li>
 * <li>{@code bench.poll-interval}: {@code evalunit.batch.poll-interval} of the batch-mode run; default 1s.</li>
 * <li>{@code bench.progress}: {@code evalunit.progress} of every run; default off.</li>
 * <li>{@code bench.keep}: keep each run's state, results and Allure results under {@code target/bench-work};
 *     default false.</li>
 * </ul>
 */
record LatencyOptions(int runs, Set<Scenario> only, long latencyMs, long rpm, long tpm, List<String> suites,
                      int questions, Path datasetsDir, String pollInterval, String progress, boolean keep,
                      Path moduleDir) {

    static final String PACKAGE = "dev.evalunit.samples.truthfulqa.";
    static final String MC1 = PACKAGE + "TruthfulQaMc1Benchmark";
    private static final String MAIN_JOB = "TruthfulQaMc1Benchmark,TruthfulQaBinaryBenchmark,TruthfulQaGenerationBenchmark";

    /** The figures a run can be narrowed to, by their {@code bench.only} names. */
    enum Scenario {
        EFFICIENCY, BATCH, OVERCONFIGURED, SAMPLES;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static LatencyOptions fromSystemProperties() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
        String only = System.getProperty("bench.only", "").strip();
        Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
        if (only.isEmpty()) {
            scenarios.addAll(EnumSet.allOf(Scenario.class));
        } else {
            // names of the other benches' figures are theirs (one -Dbench.only serves every bench of the build)
            for (String name : only.split("\\s*,\\s*")) {
                Arrays.stream(Scenario.values()).filter(s -> s.id().equals(name)).findFirst().ifPresent(scenarios::add);
            }
        }
        List<String> suites = Arrays.stream(System.getProperty("bench.suites", MAIN_JOB).split("\\s*,\\s*"))
                .filter(s -> !s.isBlank()).map(s -> s.contains(".") ? s : PACKAGE + s).toList();
        return new LatencyOptions(positive("bench.latency.runs", positive("bench.runs", 3)), scenarios, positive("bench.latency.ms", 1000),
                positive("bench.rpm", 3000), positive("bench.tpm", 10_000_000), suites, positive("bench.questions", 0),
                datasets(module), System.getProperty("bench.poll-interval", "1s"),
                System.getProperty("bench.progress", "off"), Boolean.getBoolean("bench.keep"), module);
    }

    private static Path datasets(Path module) {
        String given = System.getProperty("bench.datasets.dir");
        if (given != null) {
            return given.isBlank() ? null : Path.of(given).toAbsolutePath().normalize();
        }
        Path shared = module.resolve("../../shared/datasets").normalize();
        return Files.isDirectory(shared) ? shared : null;
    }

    private static int positive(String name, int otherwise) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value.strip().replace("_", ""));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number > 0 but was " + value, e);
        }
    }

    /**
     * The question ids of the first {@link #questions()} of each file: {@code tqa-0001...} (MC1 and
     * generation) and {@code tqab-0001...} (binary); empty when every question runs.
     */
    String questionIds() {
        if (questions == 0) {
            return "";
        }
        return IntStream.rangeClosed(1, questions).boxed()
                .flatMap(i -> Stream.of(String.format(Locale.ROOT, "tqa-%04d", i),
                        String.format(Locale.ROOT, "tqab-%04d", i)))
                .collect(Collectors.joining(","));
    }

    /** Beside the harness's bench figures ({@code client.json}, {@code trust.json}, ...), where one looks for them. */
    Path outputFile() {
        return moduleDir.resolve("../harness/target/bench/latency.json").normalize();
    }

    Path workRoot() {
        return moduleDir.resolve("target/bench-work");
    }

    /** The settings of this bench, written into the JSON beside the figures. */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runs", runs);
        d.put("latency_ms", latencyMs);
        d.put("server_rpm", rpm);
        d.put("server_tpm", tpm);
        d.put("suites", suites.stream().map(s -> s.substring(s.lastIndexOf('.') + 1)).toList());
        d.put("questions", questions == 0 ? "all" : Integer.toString(questions));
        return d;
    }
}
