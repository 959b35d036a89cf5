package dev.evalunit.junit;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.QuestionRow;
import dev.evalunit.config.EvalConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The dataset of a benchmark test, its {@code @Questions} method: found and checked when the plan is read,
 * and called again each time the rows are streamed, so that a 100,000-row dataset is read lazily and never
 * held in memory. Immutable.
 */
final class QuestionsFactory {

    private final Method method;
    private final String test;
    private final EvalConfig config;

    private QuestionsFactory(Method method, String test, EvalConfig config) {
        this.method = method;
        this.test = test;
        this.config = config;
    }

    /**
     * The static method {@code name()} or {@code name(EvalConfig)} of {@code testClass}, as
     * {@code @Questions("name")} on {@code where} names it.
     *
     * @param test   {@code Class.method}, which a failing call names
     * @param config the run's configuration, given to a method that takes one; {@code null} to load it then
     */
    static QuestionsFactory find(Class<?> testClass, String name, String where, String test, EvalConfig config) {
        List<Method> found = ReflectionSupport.findMethods(testClass,
                m -> m.getName().equals(name) && (m.getParameterCount() == 0
                        || m.getParameterCount() == 1 && m.getParameterTypes()[0] == EvalConfig.class),
                HierarchyTraversalMode.BOTTOM_UP);
        if (found.isEmpty()) {
            throw new BenchmarkConfigurationException("@Questions(\"" + name + "\") on " + where + " names no method "
                    + name + "() in " + testClass.getSimpleName() + "; add static Stream<Row> " + name
                    + "() (or " + name + "(EvalConfig config), to read the run's configuration)");
        }
        Method m = found.get(0);
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new BenchmarkConfigurationException("@Questions(\"" + name + "\") on " + where + ": " + name
                    + "() must be static, so rows are known before any instance exists");
        }
        return new QuestionsFactory(m, test, config);
    }

    /** The method's name, as {@code @Questions} gives it. */
    String name() {
        return method.getName();
    }

    /** The type of the rows when the method returns an array, which a {@code @Prompt} can be checked against; else {@code null}. */
    Class<?> arrayRowType() {
        return method.getReturnType().isArray() ? method.getReturnType().getComponentType() : null;
    }

    /** A row's id: its own ({@link QuestionRow#id()}), or {@code q-0042} from its number for rows of other types. */
    static String id(Object row, int number) {
        return row instanceof QuestionRow q ? q.id() : String.format("q-%04d", number);
    }

    /** The rows, read anew by calling the method: a Stream, Iterable, Iterator or array as a stream. */
    Stream<?> rows() {
        Object rows;
        try {
            method.setAccessible(true);
            rows = method.getParameterCount() == 0 ? method.invoke(null)
                    : method.invoke(null, config != null ? config : EvalConfig.load());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BenchmarkConfigurationException("@Questions(\"" + method.getName() + "\") of " + test
                    + " failed: " + cause, cause);
        }
        if (rows instanceof Stream<?> stream) {
            return stream;
        }
        if (rows instanceof Iterable<?> iterable) {
            return StreamSupport.stream(iterable.spliterator(), false);
        }
        if (rows instanceof Iterator<?> iterator) {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
        }
        if (rows instanceof Object[] array) {
            return Arrays.stream(array);
        }
        throw new BenchmarkConfigurationException("@Questions(\"" + method.getName() + "\") of " + test
                + " must return a Stream, Iterable, Iterator or array but returned "
                + (rows == null ? "null" : rows.getClass().getName()));
    }
}
