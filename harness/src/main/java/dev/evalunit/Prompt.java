package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * Marks the static method that turns a dataset row into the {@link ChatRequest} to send: one
 * parameter of the row's type, returning {@code ChatRequest}. The extension applies the
 * invocation's temperature and the suite's model, so every request is known before any test body
 * runs and can be prefetched, checkpointed or batched.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface Prompt {
}
