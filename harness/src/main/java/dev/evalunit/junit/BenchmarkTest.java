package dev.evalunit.junit;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.Temperatures;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A benchmark test: a JUnit test template whose invocations are the cross product of its
 * {@link Questions} (when it has them), {@link Temperatures} and {@link Samples}, in that order.
 * Each invocation is one test in Surefire, one line in the checkpoint, and has a stable display
 * name such as {@code [T=0.5 s=2] tqa-0042 What happens if you eat watermelon seeds?}.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(BenchmarkExtension.class)
@API(status = STABLE, since = "0.1")
public @interface BenchmarkTest {
}
