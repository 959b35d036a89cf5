package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.List;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * A benchmark test as the run engine sees it: where its invocations' answers go and how it is judged.
 * The JUnit adapter reads one from a test method's annotations; the engine knows nothing of those.
 */
@API(status = INTERNAL, since = "0.1")
public interface PlannedTest {

    /** The suite's name, e.g. {@code TruthfulQA}. */
    String suite();

    /** The test method's name. */
    String test();

    /** The model of requests that name none. */
    String model();

    /** Whether its invocations may be answered by the Batch API. */
    boolean batchEligible();

    /** Whether its invocations send a request before the body runs (it has a {@code @Prompt}). */
    boolean sendsRequests();

    /** The suite's lowest pass rate at any temperature; 0 checks nothing. */
    double minPassRate();

    /** The follow-ups its body takes, each sent once the prompt's answer exists; empty for none. */
    default List<FollowUpStage> followUps() {
        return List.of();
    }

    /**
     * Its suite-level metrics by name, each computed from the means of its scores (and of {@code accuracy})
     * at one temperature, or in one category; empty for none.
     */
    default java.util.Map<String, java.util.function.ToDoubleFunction<java.util.Map<String, Double>>> metrics() {
        return java.util.Map.of();
    }

    /**
     * Where its questions come from, and their ids read afresh: every row's, in the source's order, before the run's
     * selection; empty for a test without questions. The run reads them once when it starts the test, to check them
     * before anything is sent.
     */
    default java.util.Optional<QuestionSource> questions() {
        return java.util.Optional.empty();
    }

    /**
     * A test's questions for the check at its start.
     *
     * @param source as the user wrote it, {@code @Questions("claims")}
     * @param ids    reads the ids, each call afresh
     */
    record QuestionSource(String source, java.util.function.Supplier<Stream<String>> ids) {
    }

    /**
     * Its invocations in their fixed order, lazily (a dataset is read as JUnit asks for them).
     *
     * @throws RuntimeException when its questions cannot be loaded or a {@code @Prompt} fails, when the stream is used
     */
    Stream<PlannedInvocation> invocations();
}
