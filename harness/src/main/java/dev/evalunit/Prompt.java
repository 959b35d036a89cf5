package dev.evalunit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static method that turns a dataset row into the {@link ChatRequest} to send: one
 * parameter of the row's type, returning {@code ChatRequest}. The extension applies the
 * invocation's temperature and the suite's model, so every request is known before any test body
 * runs and can be prefetched, checkpointed or batched.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Prompt {
}
