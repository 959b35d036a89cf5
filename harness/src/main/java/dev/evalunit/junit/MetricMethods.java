package dev.evalunit.junit;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.Metric;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The {@code @Metric} methods of a benchmark class, read and checked: each is static, returns {@code double}
 * and takes the {@code Map<String, Double>} of means, and no name is declared twice. Stateless.
 */
final class MetricMethods {

    private MetricMethods() {
    }

    /** Each metric of {@code testClass} by name, in declaration order from the top of the hierarchy. */
    static Map<String, ToDoubleFunction<Map<String, Double>>> of(Class<?> testClass) {
        Map<String, ToDoubleFunction<Map<String, Double>>> metrics = new LinkedHashMap<>();
        for (Method m : AnnotationSupport.findAnnotatedMethods(testClass, Metric.class, HierarchyTraversalMode.TOP_DOWN)) {
            String name = m.getAnnotation(Metric.class).value().isBlank() ? m.getName() : m.getAnnotation(Metric.class).value();
            if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != double.class || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != Map.class) {
                throw new BenchmarkConfigurationException("@Metric " + testClass.getSimpleName() + "." + m.getName()
                        + " must be declared static double " + m.getName() + "(Map<String, Double> means)");
            }
            if (metrics.containsKey(name)) {
                throw new BenchmarkConfigurationException("@Metric(\"" + name + "\") is declared twice in "
                        + testClass.getSimpleName());
            }
            m.setAccessible(true);
            metrics.put(name, means -> (double) StaticCall.invoke(m, means));
        }
        return metrics;
    }
}
