package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * A figure of a whole test at one temperature (and of each category), computed from what its invocations
 * scored: on a static method of a {@code @BenchmarkSuite} class that takes the means, by name, of every
 * {@link Scorecard} score and of {@code accuracy} (passed / answered), and returns the figure. The analysis
 * prints it next to the scores and writes it to {@code analysis.json} ({@code metrics}). A metric whose
 * inputs are missing there (no invocation recorded them) is left out.
 *
 * <pre>{@code
 * @Metric("f1")   // SimpleQA: the harmonic mean of correct and correct-given-attempted
 * static double f1(Map<String, Double> means) {
 *     double correct = means.get("correct");
 *     double givenAttempted = correct / means.get("attempted");
 *     return 2 * correct * givenAttempted / (correct + givenAttempted);
 * }
 * }</pre>
 *
 * Every metric of a class applies to each of its benchmark tests.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface Metric {

    /** The metric's name; the method's name when empty. */
    String value() default "";
}
