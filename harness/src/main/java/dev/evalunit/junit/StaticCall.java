package dev.evalunit.junit;

import java.lang.reflect.Method;

/**
 * A call of a benchmark class's static method ({@code @Metric}, {@code @FollowUp}) during a run that throws
 * what the method threw, not reflection's wrapper around it, so the author reads their own exception. Stateless.
 */
final class StaticCall {

    private StaticCall() {
    }

    /** {@code method(args)}; a checked exception it throws comes as the cause of an {@link IllegalStateException}. */
    static Object invoke(Method method, Object... args) {
        try {
            return method.invoke(null, args);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
