package dev.evalunit.samples.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.config.ConfigKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * One run of benchmark suites through the JUnit Platform launcher in this JVM, as a build runs them:
 * the suites' extension starts its run engine on first use and closes it (printing the run's end) when
 * the launcher's execution ends. Counts outcomes without keeping events, since a run of the main job
 * has about 7,000 invocations. Not thread-safe: one run at a time, as the engine keeps launcher state
 * in static holders.
 */
final class SuiteRun {

    private SuiteRun() {
    }

    /**
     * What a run did.
     *
     * @param found            tests discovered or registered (each invocation of a template is one)
     * @param containersFailed classes, templates or engines that failed (a suite that could not start, a failing close)
     * @param seconds          the launcher's execution, discovery included
     */
    record Outcome(long found, long succeeded, long failed, long aborted, long skipped, long containersFailed,
                   double seconds) {

        String line() {
            return String.format(Locale.ROOT, "found=%d succeeded=%d failed=%d aborted=%d skipped=%d "
                    + "containers_failed=%d run_seconds=%.1f", found, succeeded, failed, aborted, skipped,
                    containersFailed, seconds);
        }
    }

    /**
     * Runs the classes with these {@code evalunit.*} settings. Registered keys go in as JUnit configuration
     * parameters, which the extension reads as strongly as {@code -D}; a key the harness does not register
     * (yet), such as {@code evalunit.samples.mode} while it is being built, is set as a system property for
     * the run and restored after it, because the extension reads only registered keys from the launcher.
     */
    static Outcome execute(List<String> classNames, Map<String, String> settings) {
        Map<String, String> parameters = new HashMap<>();
        Map<String, String> properties = new HashMap<>();
        settings.forEach((key, value) -> (ConfigKeys.isKnown(key) ? parameters : properties).put(key, value));
        Map<String, String> previous = new HashMap<>();
        properties.forEach((key, value) -> {
            System.out.println("LatencyBench: " + key + " is not a registered evalunit key; set as a system property");
            previous.put(key, System.setProperty(key, value));
        });
        List<DiscoverySelector> selectors = new ArrayList<>();
        classNames.forEach(name -> selectors.add(selectClass(name)));
        Tally tally = new Tally();
        long start = System.nanoTime();
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors).configurationParameters(parameters).build(), tally);
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
        return tally.outcome((System.nanoTime() - start) / 1e9);
    }

    /** Counts outcomes as they happen; prints a failed container in one line, as a build would. */
    private static final class Tally implements TestExecutionListener {
        private final LongAdder found = new LongAdder();
        private final LongAdder succeeded = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final LongAdder aborted = new LongAdder();
        private final LongAdder skipped = new LongAdder();
        private final LongAdder containersFailed = new LongAdder();

        @Override
        public void dynamicTestRegistered(TestIdentifier id) {
            if (id.isTest()) {
                found.increment();
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                skipped.increment();
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    containersFailed.increment();
                    System.out.println("LatencyBench: " + id.getDisplayName() + " failed: "
                            + result.getThrowable().map(t -> t.toString().lines().findFirst().orElse("")).orElse(""));
                }
                return;
            }
            switch (result.getStatus()) {
                case SUCCESSFUL -> succeeded.increment();
                case FAILED -> failed.increment();
                case ABORTED -> aborted.increment();
            }
        }

        Outcome outcome(double seconds) {
            return new Outcome(found.sum(), succeeded.sum(), failed.sum(), aborted.sum(), skipped.sum(),
                    containersFailed.sum(), seconds);
        }
    }
}
