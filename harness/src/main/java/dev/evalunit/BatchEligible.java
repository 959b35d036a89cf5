package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * Allows the requests of a dataset-driven {@code @BenchmarkTest} to go through OpenAI's Batch API
 * (half price, answers within hours) when the run is not urgent: with {@code evalunit.batch.mode=auto}
 * (the default) they go to batches when there are at least {@code evalunit.batch.threshold} of them and
 * neither {@code evalunit.urgent} nor an IDE run of single tests says the run cannot wait.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface BatchEligible {
}
