package dev.evalunit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows the requests of a dataset-driven {@link BenchmarkTest} to go through OpenAI's Batch API
 * (half price, answers within hours) when the run is not urgent. Recorded now; batching itself
 * arrives with the Batch API support.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BatchEligible {
}
