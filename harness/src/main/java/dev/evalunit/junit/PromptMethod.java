package dev.evalunit.junit;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The {@code @Prompt} method of a benchmark class, which turns a dataset row into its request: found and
 * checked when the plan is read (one only, static, {@code ChatRequest ask(Row row)} taking the dataset's rows),
 * and asked for each row as the invocations are planned. Immutable.
 */
final class PromptMethod {

    private final Method method;

    private PromptMethod(Method method) {
        this.method = method;
    }

    /**
     * The {@code @Prompt} method of {@code testClass}, or {@code null} when it has none.
     *
     * @param questions the test's dataset, whose rows the method must take; {@code null} when it has none
     */
    static PromptMethod find(Class<?> testClass, QuestionsFactory questions, String where) {
        List<Method> prompts = AnnotationSupport.findAnnotatedMethods(testClass, Prompt.class, HierarchyTraversalMode.BOTTOM_UP);
        if (prompts.isEmpty()) {
            return null;
        }
        if (prompts.size() > 1) {
            throw new BenchmarkConfigurationException("@Prompt: " + testClass.getSimpleName() + " has "
                    + prompts.size() + " @Prompt methods (" + prompts.stream().map(Method::getName)
                    .collect(Collectors.joining(", ")) + "); keep exactly one");
        }
        Method p = prompts.get(0);
        String sig = "@Prompt " + testClass.getSimpleName() + "." + p.getName();
        if (!Modifier.isStatic(p.getModifiers()) || p.getReturnType() != ChatRequest.class || p.getParameterCount() != 1) {
            throw new BenchmarkConfigurationException(sig + " must be declared static ChatRequest " + p.getName()
                    + "(Row row), taking one dataset row and returning the request, but is " + p.toGenericString());
        }
        Parameter row = p.getParameters()[0];
        Class<?> rows = questions == null ? null : questions.arrayRowType();
        if (rows != null && !row.getType().isAssignableFrom(rows)) {
            throw new BenchmarkConfigurationException(sig + " takes " + row.getType().getSimpleName()
                    + " but the rows of " + where + " are " + rows.getSimpleName());
        }
        p.setAccessible(true);
        return new PromptMethod(p);
    }

    /** The request of {@code row}, whose id is {@code id}. */
    ChatRequest ask(Object row, String id) {
        try {
            ChatRequest request = (ChatRequest) method.invoke(null, row);
            if (request == null) {
                throw new BenchmarkConfigurationException("@Prompt " + method.getName() + " returned null for " + id);
            }
            return request;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BenchmarkConfigurationException("@Prompt " + method.getName() + " failed for " + id + ": " + cause,
                    cause);
        }
    }
}
