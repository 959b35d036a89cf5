package dev.evalunit.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scratch directory of one run under {@code target/bench-work}: its own checkpoint state (so
 * nothing is replayed and no other run's lock is met), results and Allure results. Deleted with
 * everything in it on close, unless {@code -Dbench.keep=true}.
 */
final class LatencyWork implements AutoCloseable {

    static final String KEY = "sk-" + "bench-0000000000000000000000";

    private final Path root;
    private final boolean keep;

    private LatencyWork(Path root, boolean keep) {
        this.root = root;
        this.keep = keep;
    }

    static LatencyWork create(Path parent, String name, boolean keep) throws IOException {
        // absolute: a relative checkpoint directory would be resolved against the project root, not here
        Path dir = Files.createDirectories(parent.toAbsolutePath());
        return new LatencyWork(Files.createTempDirectory(dir, "latency-" + name + "-"), keep);
    }

    /**
     * The settings every run gets: the simulator with a key (so answers count as live ones, not the
     * built-in simulator's), this directory's state and reports, the datasets and the question filter.
     * No rate-limit setting: the runs that want one add it.
     */
    Map<String, String> settings(LatencyOptions o, String baseUrl) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("evalunit.openai.api-key", KEY);
        s.put("evalunit.openai.base-url", baseUrl);
        s.put("evalunit.checkpoint.dir", root.resolve("state").toString());
        s.put("evalunit.results.dir", root.resolve("results").toString());
        s.put("evalunit.allure.results-dir", root.resolve("allure-results").toString());
        s.put("evalunit.progress", o.progress());
        if (o.datasetsDir() != null) {
            s.put("evalunit.datasets.dir", o.datasetsDir().toString());
        }
        if (o.questions() > 0) {
            s.put("evalunit.question", o.questionIds());
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        if (keep) {
            System.out.println("LatencyBench: kept " + root);
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
