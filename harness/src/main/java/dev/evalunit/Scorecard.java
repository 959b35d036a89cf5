package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a benchmark test records about its invocation beyond pass or fail, for the end-of-run
 * analysis: the answer's label (what the model chose, so repeated samples and temperatures can be
 * compared) and named scores (such as {@code truthful}, {@code informative} or an MC2 probability
 * mass), each averaged per temperature with a 95 % confidence interval. Declare a parameter of this
 * type in a {@code @BenchmarkTest} to get the invocation's own card. Thread-safe.
 *
 * <pre>{@code
 * void picksTheTrueOption(Mc1Question q, Answer answer, Scorecard card) {
 *     card.label(answer.letter().map(String::valueOf).orElse("?"));
 *     assertThat(answer.letter()).contains(q.trueLetter());
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Scorecard {

    private String label;
    private final Map<String, Double> scores = new LinkedHashMap<>();

    /**
     * What the model answered, as it should be compared across samples and temperatures (an option
     * letter, a verdict); without one the analysis compares the answer texts.
     */
    public synchronized Scorecard label(String label) {
        this.label = Objects.requireNonNull(label, "label");
        return this;
    }

    /** Records a score, such as a probability mass; the analysis reports its mean per temperature. */
    public synchronized Scorecard score(String name, double value) {
        Objects.requireNonNull(name, "name");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("score " + name + " must be a finite number but was " + value);
        }
        scores.put(name, value);
        return this;
    }

    /** Records a yes/no score as 1 or 0; the analysis reports it as a share per temperature. */
    public Scorecard score(String name, boolean value) {
        return score(name, value ? 1.0 : 0.0);
    }

    public synchronized Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /** The scores in the order they were first recorded. */
    public synchronized Map<String, Double> scores() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }
}
