package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * Names the static, argument-less factory method of the test class that returns the dataset's
 * rows (a {@code Stream}, {@code Iterable}, {@code Iterator} or array of any type). A row that
 * implements {@link QuestionRow} gives its own id and text; any other row is numbered
 * {@code q-0001}, {@code q-0002}, ... in the factory's order, which must be deterministic.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface Questions {
    /** The factory method's name. */
    String value();
}
