package dev.evalunit.junit;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.Samples;
import dev.evalunit.Temperatures;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a class as a benchmark suite. {@code mvn test -Dsuite=NAME} runs the suites of that name
 * and nothing else. Defaults declared here apply to every {@link BenchmarkTest} of the class that
 * does not declare its own.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BenchmarkExtension.class)
@DisplayNameGeneration(BenchmarkDisplayNames.class)
@API(status = STABLE, since = "0.1")
public @interface BenchmarkSuite {

    /** The suite's name, as {@code -Dsuite=} selects it; several classes may share one. */
    String name();

    /** The model of every request of the suite that names none; empty for {@code evalunit.model}. */
    String model() default "";

    /** Temperatures of tests without {@link Temperatures}; empty means such tests must declare them. */
    double[] temperatures() default {};

    /** Samples per question and temperature for tests without {@link Samples}. */
    int samples() default 1;

    /** The pass rate (0 to 1) each temperature must reach for the run to pass; 0 for none. */
    double minPassRate() default 0;
}
