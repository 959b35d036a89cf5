package dev.evalunit.junit;

import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.report.allure.AllureOptions;
import dev.evalunit.internal.report.allure.AllureReport;
import dev.evalunit.internal.run.RunEngine;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Removes an earlier run's Allure results from the directory {@code evalunit.allure.results-dir} names (every
 * run's, when it is set; without it each run writes its own and nothing is removed) before a launcher session
 * runs its first benchmark suite, so they do not leak into the new report, and only then: whatever the session writes afterwards (other
 * test classes' results, written by Allure's own listener into the same directory, or a rerun of
 * failed tests) stays. A run without a launcher (EngineTestKit) has its results cleaned by the
 * benchmark run when it starts. One per launcher session ({@link RunSession} registers it); thread-safe.
 */
final class AllureCleanup implements TestExecutionListener {

    private static final System.Logger LOG = System.getLogger(AllureCleanup.class.getName());

    /** The directories this session has cleaned. */
    private final Set<Path> cleaned = ConcurrentHashMap.newKeySet();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (!hasBenchmarkSuite(plan)) {
            return;
        }
        AllureOptions options;
        CheckpointOptions state;
        try {
            ConfigValues values = ConfigValues.read(RunStart.sources(plan.getConfigurationParameters()::get));
            options = AllureOptions.from(values);
            state = CheckpointOptions.from(values);
        } catch (RuntimeException badValue) {
            LOG.log(System.Logger.Level.DEBUG, "Allure results not cleaned: " + badValue.getMessage());
            return; // the run reports the value when it starts
        }
        if (options.enabled() && options.shared() && firstInSession(options.resultsDir())) {
            if (RunEngine.noOtherRunLive(state.directory(), options.resultsDir())) {
                AllureReport.clean(options.resultsDir());
            }
        }
    }

    /** Whether this session has cleaned {@code dir} already. */
    boolean cleanedInThisSession(Path dir) {
        return dir != null && cleaned.contains(normalized(dir));
    }

    private boolean firstInSession(Path dir) {
        return cleaned.add(normalized(dir));
    }

    private static Path normalized(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    private static boolean hasBenchmarkSuite(TestPlan plan) {
        return !suites(plan).isEmpty();
    }

    /** The names of the benchmark suites in the plan. */
    private static Set<String> suites(TestPlan plan) {
        Set<String> found = new TreeSet<>();
        plan.accept(new TestPlan.Visitor() {
            @Override
            public void visit(TestIdentifier id) {
                Object source = id.getSource().orElse(null);
                try {
                    Class<?> c = source instanceof ClassSource cs ? cs.getJavaClass()
                            : source instanceof MethodSource ms ? ms.getJavaClass() : null;
                    if (c != null) {
                        AnnotationSupport.findAnnotation(c, BenchmarkSuite.class).ifPresent(s -> found.add(s.name()));
                    }
                } catch (RuntimeException unloadable) {
                    // not ours to judge: JUnit reports a class it cannot load
                }
            }
        });
        return found;
    }
}
