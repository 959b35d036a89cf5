package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * A request that follows an invocation's answer, such as a judge's verdict on it, declared so that the
 * run sends it the moment the answer exists instead of the test body calling the client and waiting.
 *
 * <p>On a static method of a {@code @BenchmarkSuite} class, it declares the request: the method takes the
 * dataset row and the {@link Answer} (and, optionally, the run's {@link dev.evalunit.config.EvalConfig}) and
 * returns the {@link ChatRequest} to send. Its name is {@link #value()}, or the method's name.
 * <pre>{@code
 * @FollowUp
 * static ChatRequest judge(Question q, Answer answer, EvalConfig config) {
 *     return Judge.request(q, answer.text(), config.judgeModel());
 * }
 * }</pre>
 *
 * <p>On a parameter of a {@code @BenchmarkTest} of type {@link Answer} or {@link Completion}, it receives that
 * request's answer: {@code void grades(Question q, Answer answer, @FollowUp("judge") Answer verdict)}. The value
 * may be left out when the class declares one follow-up. Only follow-ups a test takes as parameters are sent for
 * its invocations.
 *
 * <p>A follow-up goes through the same rate-limited client as the prompt, ahead of look-ahead prompts; its
 * request keeps its own temperature and model (the suite's model when it names none), not the invocation's
 * temperature. It is checkpointed with its invocation, so a resumed run sends neither again, and when the
 * prompts of a run went to the Batch API its follow-ups go to a second batch once their answers are in.
 */
@Target({ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface FollowUp {

    /** The follow-up's name; on a method, empty for the method's name. */
    String value() default "";
}
