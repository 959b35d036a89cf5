package dev.evalunit.junit;

import dev.evalunit.BenchmarkSuite;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * {@code -Dsuite=NAME}: keeps only the classes of {@code @BenchmarkSuite(name = NAME)}, so other
 * test classes do not even show as skipped. A module with no benchmark suites runs nothing; a
 * module whose suites are all named otherwise fails discovery with the list of the names it has.
 * Without {@code -Dsuite} it keeps everything. Registered through {@code META-INF/services}.
 */
public final class SuiteFilter implements PostDiscoveryFilter {

    private final String suite;
    private final Map<TestDescriptor, Set<String>> knownByRoot = new WeakHashMap<>();

    public SuiteFilter() {
        this(System.getProperty("suite"));
    }

    public SuiteFilter(String suite) {
        this.suite = suite == null || suite.isBlank() ? null : suite.strip();
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (suite == null) {
            return FilterResult.included("no -Dsuite given");
        }
        Optional<Class<?>> testClass = testClass(descriptor);
        if (testClass.isEmpty()) {
            return FilterResult.included("not a test class");
        }
        Set<String> known = known(descriptor);
        if (!known.isEmpty() && !known.contains(suite)) {
            throw new IllegalArgumentException("-Dsuite=" + suite + " names no @BenchmarkSuite here; known suites: "
                    + String.join(", ", known));
        }
        String name = suiteName(testClass.get());
        return FilterResult.includedIf(suite.equals(name), () -> "suite " + suite,
                () -> name == null ? "not a benchmark suite" : "suite " + name + ", not " + suite);
    }

    private Set<String> known(TestDescriptor descriptor) {
        TestDescriptor root = descriptor;
        while (root.getParent().isPresent()) {
            root = root.getParent().get();
        }
        synchronized (knownByRoot) {
            return knownByRoot.computeIfAbsent(root, r -> {
                Set<String> names = new TreeSet<>();
                r.accept(d -> testClass(d).map(SuiteFilter::suiteName).ifPresent(names::add));
                return names;
            });
        }
    }

    private static Optional<Class<?>> testClass(TestDescriptor descriptor) {
        return descriptor.getSource().flatMap(source -> {
            if (source instanceof ClassSource c) {
                return Optional.of(c.getJavaClass());
            }
            if (source instanceof MethodSource m) {
                return Optional.of(m.getJavaClass());
            }
            return Optional.empty();
        });
    }

    private static String suiteName(Class<?> type) {
        return AnnotationSupport.findAnnotation(type, BenchmarkSuite.class).map(BenchmarkSuite::name).orElse(null);
    }
}
