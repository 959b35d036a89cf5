package dev.evalunit.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.apiguardian.api.API;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * {@code -Dsuite=NAME} (or {@code -Dsuite=A,B}): keeps only the classes of {@code @BenchmarkSuite(name = NAME)},
 * so other test classes do not even show as skipped. A module with no benchmark suites runs nothing; a
 * module that has suites but not every one named fails discovery naming those it lacks and the names it has.
 * Without {@code -Dsuite} it keeps everything. Registered through {@code META-INF/services}.
 */
@API(status = INTERNAL, since = "0.1")
public final class SuiteFilter implements PostDiscoveryFilter {

    private final Set<String> suites;
    private final Map<TestDescriptor, Set<String>> knownByRoot = new WeakHashMap<>();

    public SuiteFilter() {
        this(System.getProperty("suite"));
    }

    /** The suites {@code suite} names, comma-separated: {@code TruthfulQA} or {@code HaluEvalQA,SimpleQA}. */
    public SuiteFilter(String suite) {
        this.suites = suite == null || suite.isBlank() ? Set.of() : new TreeSet<>(Arrays.stream(suite.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (suites.isEmpty()) {
            return FilterResult.included("no -Dsuite given");
        }
        Optional<Class<?>> testClass = testClass(descriptor);
        if (testClass.isEmpty()) {
            return FilterResult.included("not a test class");
        }
        Set<String> known = known(descriptor);
        Set<String> unknown = new TreeSet<>(suites);
        unknown.removeAll(known);
        if (!known.isEmpty() && !unknown.isEmpty()) {
            throw new IllegalArgumentException("-Dsuite=" + String.join(",", suites) + " names "
                    + (unknown.size() == 1 ? "a suite" : "suites") + " with no @BenchmarkSuite here: "
                    + String.join(", ", unknown) + "; known suites: " + String.join(", ", known));
        }
        String name = suiteName(testClass.get());
        return FilterResult.includedIf(name != null && suites.contains(name), () -> "suite " + name,
                () -> name == null ? "not a benchmark suite" : "suite " + name + ", not " + String.join(",", suites));
    }

    /**
     * Whether a wrong answer is recorded as the run's finding instead of failing its test
     * ({@code evalunit.wrong-answers}): by default in a suite run ({@code -Dsuite}), where the thresholds
     * judge the build and a console listing thousands of wrong answers would bury the result; otherwise (an
     * IDE, {@code -Dtest}) a wrong answer fails its test.
     *
     * @throws dev.evalunit.config.ConfigException naming the key when its value is neither {@code record} nor {@code fail}
     */
    static boolean recordsWrongAnswers(EvalConfig config) {
        String suite = System.getProperty("suite");
        boolean suiteRun = suite != null && !suite.isBlank();
        return config.values().getAs(ConfigKeys.WRONG_ANSWERS, suiteRun, "record or fail", value -> switch (
                value.strip().toLowerCase(Locale.ROOT)) {
            case "record" -> true;
            case "fail" -> false;
            default -> throw new IllegalArgumentException("neither record nor fail");
        });
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
