package dev.evalunit.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes through the JUnit Platform Launcher the way a build does, counting outcomes
 * without keeping events (EngineTestKit keeps every one): in this JVM with {@link #execute}, or as
 * the main class of a child JVM, which {@link ChildRunProcess} starts, so a run can be killed or
 * interrupted from outside.
 *
 * <pre>
 * java -cp &lt;test class path&gt; dev.evalunit.junit.ChildRun [--results FILE] CLASS... [KEY=VALUE]...
 * </pre>
 *
 * <ul>
 *   <li>{@code CLASS}: a test class by binary name, e.g. {@code dev.evalunit.bench.ExtensionBench$ResumeTestCase}.</li>
 *   <li>{@code KEY=VALUE}: a JUnit configuration parameter; the extension reads {@code evalunit.*} ones as
 *       strongly as {@code -D} system properties.</li>
 *   <li>{@code --results FILE}: writes one line per finished test,
 *       {@code STATUS<TAB>unique id<TAB>display name<TAB>first line of the failure, or empty}, with
 *       {@code STATUS} one of {@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED}, {@code SKIPPED}.</li>
 * </ul>
 *
 * <p>Standard output gets {@code CHILDRUN_STARTED pid=<pid>} once discovery is done and execution
 * starts, and one {@link Summary} line ({@code CHILDRUN_SUMMARY finished=true found=... wall_ms=...})
 * at the end; when the JVM exits before the run ends (SIGINT, {@code System.exit}) a shutdown hook
 * prints the counts so far with {@code finished=false}. The exit status is 0 when no test or
 * container failed, 1 when one did, 2 for a usage error or a launcher that threw.
 */
public final class ChildRun {

    static final String STARTED = "CHILDRUN_STARTED";

    private ChildRun() {
    }

    public static void main(String[] args) {
        List<String> classes = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        Path results = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--results") && i + 1 < args.length) {
                results = Path.of(args[++i]);
            } else if (arg.startsWith("--")) {
                usage("unknown option " + arg);
            } else if (arg.indexOf('=') > 0) {
                parameters.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                classes.add(arg);
            }
        }
        if (classes.isEmpty()) {
            usage("no test class given");
        }
        HeapWatch heap = HeapWatch.start();
        Tally tally = new Tally(results, true);
        AtomicBoolean reported = new AtomicBoolean();
        long start = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (reported.compareAndSet(false, true)) {
                System.out.println(tally.summary(false, System.nanoTime() - start, heap.peakAfterGcBytes()).toLine());
                System.out.flush();
                tally.close();
            }
        }, "childrun-interrupted"));
        int status;
        try {
            Summary summary = execute(classes, parameters, tally, heap);
            status = summary.failed() + summary.containersFailed() > 0 ? 1 : 0;
            if (reported.compareAndSet(false, true)) {
                System.out.println(summary.toLine());
            }
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            status = 2;
        }
        System.out.flush();
        System.exit(status);
    }

    private static void usage(String problem) {
        System.err.println("ChildRun: " + problem
                + "; usage: ChildRun [--results FILE] CLASS... [KEY=VALUE]... (CLASS by binary name, Outer$Inner)");
        System.exit(2);
    }

    /** Runs the classes in this JVM with these configuration parameters and returns the counts. */
    public static Summary execute(List<String> classNames, Map<String, String> parameters) {
        return execute(classNames, parameters, new Tally(null, false), HeapWatch.start());
    }

    private static Summary execute(List<String> classNames, Map<String, String> parameters, Tally tally, HeapWatch heap) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String name : classNames) {
            selectors.add(selectClass(name));
        }
        long start = System.nanoTime();
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors).configurationParameters(parameters).build(), tally);
        } finally {
            tally.close();
            heap.stop();
        }
        return tally.summary(true, System.nanoTime() - start, heap.peakAfterGcBytes());
    }

    /**
     * The counts of a run, as the {@code CHILDRUN_SUMMARY} line carries them.
     *
     * @param finished          false when the JVM exited before the run ended
     * @param found             tests discovered or registered (each invocation of a template is one)
     * @param succeeded         tests that passed
     * @param failed            tests that failed or erred
     * @param containersFailed  classes, templates or engines that failed (configuration errors, a failing close)
     * @param heapPeakAfterGcMb the most heap in use right after any garbage collection of the run, in MiB
     *                          (the whole JVM's); 0 when no collection ran
     */
    public record Summary(boolean finished, long found, long started, long succeeded, long failed, long aborted,
                          long skipped, long containersFailed, long wallMs, double heapPeakAfterGcMb) {

        static final String PREFIX = "CHILDRUN_SUMMARY";

        public String toLine() {
            return String.format(Locale.ROOT, "%s finished=%s found=%d started=%d succeeded=%d failed=%d "
                            + "aborted=%d skipped=%d containers_failed=%d wall_ms=%d heap_peak_after_gc_mb=%.1f",
                    PREFIX, finished, found, started, succeeded, failed, aborted, skipped, containersFailed, wallMs,
                    heapPeakAfterGcMb);
        }

        /** The summary a {@code CHILDRUN_SUMMARY} line carries; empty for any other line. */
        public static Optional<Summary> parse(String line) {
            if (!line.startsWith(PREFIX + " ")) {
                return Optional.empty();
            }
            Map<String, String> v = new LinkedHashMap<>();
            for (String pair : line.substring(PREFIX.length() + 1).trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                v.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return Optional.of(new Summary(Boolean.parseBoolean(v.get("finished")), Long.parseLong(v.get("found")),
                    Long.parseLong(v.get("started")), Long.parseLong(v.get("succeeded")), Long.parseLong(v.get("failed")),
                    Long.parseLong(v.get("aborted")), Long.parseLong(v.get("skipped")),
                    Long.parseLong(v.get("containers_failed")), Long.parseLong(v.get("wall_ms")),
                    Double.parseDouble(v.get("heap_peak_after_gc_mb"))));
        }
    }

    /** Counts outcomes as they happen, keeping nothing per test but the optional results file's line. */
    private static final class Tally implements TestExecutionListener {
        private final LongAdder found = new LongAdder();
        private final LongAdder started = new LongAdder();
        private final LongAdder succeeded = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final LongAdder aborted = new LongAdder();
        private final LongAdder skipped = new LongAdder();
        private final LongAdder containersFailed = new LongAdder();
        private final BufferedWriter results;
        private final boolean announce;
        private boolean closed; // guarded by results: the shutdown hook may close it while tests still finish

        Tally(Path results, boolean announce) {
            this.announce = announce;
            try {
                this.results = results == null ? null : Files.newBufferedWriter(results, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the results file " + results, e);
            }
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            plan.accept(new TestPlan.Visitor() {
                @Override
                public void visit(TestIdentifier id) {
                    if (id.isTest()) {
                        found.increment();
                    }
                }
            });
            if (announce) {
                System.out.println(STARTED + " pid=" + ProcessHandle.current().pid());
                System.out.flush();
            }
        }

        @Override
        public void dynamicTestRegistered(TestIdentifier id) {
            if (id.isTest()) {
                found.increment();
            }
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                started.increment();
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                skipped.increment();
                write("SKIPPED", id, reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Throwable thrown = result.getThrowable().orElse(null);
            if (!id.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    containersFailed.increment();
                    // As a build prints a failure with trimStackTrace, on its console: the message says what and why.
                    System.out.println("ChildRun: " + id.getDisplayName() + " failed: " + thrown);
                }
                return;
            }
            switch (result.getStatus()) {
                case SUCCESSFUL -> succeeded.increment();
                case FAILED -> failed.increment();
                case ABORTED -> aborted.increment();
            }
            write(result.getStatus().name(), id, thrown == null ? "" : thrown.toString());
        }

        private void write(String status, TestIdentifier id, String message) {
            if (results == null) {
                return;
            }
            String detail = message == null ? "" : message.lines().findFirst().orElse("").replace('\t', ' ');
            synchronized (results) {
                if (closed) {
                    return;
                }
                try {
                    results.write(status + '\t' + id.getUniqueId() + '\t' + id.getDisplayName().replace('\t', ' ')
                            + '\t' + detail + '\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        Summary summary(boolean finished, long wallNanos, long heapPeakBytes) {
            return new Summary(finished, found.sum(), started.sum(), succeeded.sum(), failed.sum(), aborted.sum(),
                    skipped.sum(), containersFailed.sum(), wallNanos / 1_000_000, heapPeakBytes / (1024.0 * 1024.0));
        }

        void close() {
            if (results != null) {
                synchronized (results) {
                    closed = true;
                    try {
                        results.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }
}
