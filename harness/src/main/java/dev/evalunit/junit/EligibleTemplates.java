package dev.evalunit.junit;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Learns, when a launcher starts executing, every selected benchmark test of the run, so that the run counts
 * and prices all of them before anything is sent, and submits the batches of the {@code @BatchEligible} ones when
 * the first benchmark starts rather than when each test's turn comes (real-time tests then run while the batches
 * do). One per launcher session ({@link RunSession} registers it). Without a launcher (EngineTestKit), each test is
 * counted and batched when it starts.
 */
final class EligibleTemplates implements TestExecutionListener {

    /** A selected benchmark test template. */
    record Template(Class<?> testClass, Method method, UniqueId uniqueId) {
    }

    private volatile List<Template> current = List.of();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        List<Template> found = new ArrayList<>();
        plan.accept(new TestPlan.Visitor() {
            @Override
            public void visit(TestIdentifier id) {
                if (id.isContainer() && id.getSource().orElse(null) instanceof MethodSource source) {
                    try {
                        Class<?> testClass = source.getJavaClass();
                        Method method = source.getJavaMethod();
                        if (AnnotationSupport.isAnnotated(testClass, BenchmarkSuite.class)
                                && AnnotationSupport.isAnnotated(method, BenchmarkTest.class)) {
                            found.add(new Template(testClass, method, UniqueId.parse(id.getUniqueIdObject().toString())));
                        }
                    } catch (RuntimeException unloadable) {
                        // not ours to judge: JUnit reports a class or method it cannot load
                    }
                }
            }
        });
        current = List.copyOf(found);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        current = List.of();
    }

    /** The benchmark templates of the plan being executed; empty outside a launcher. */
    List<Template> current() {
        return current;
    }
}
