package dev.evalunit.internal.report;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One question's samples at one temperature: how many were answered and passed, their answers, and each
 * score's sum. Not thread-safe: its {@link TestTally} guards it.
 *
 * <p>Most questions have one sample, or samples that agree, so the first answer is kept in a field and a
 * map is made only when a different one comes: memory grows with distinct answers, not with samples.
 */
final class QuestionSamples {

    final double temperature;
    int answered;
    int passed;
    private String first;
    private int firstCount;
    private Map<String, Integer> others;
    /** Each score's sum and count over the answered samples; {@code null} while none recorded one. */
    Map<String, double[]> scores;

    QuestionSamples(double temperature) {
        this.temperature = temperature;
    }

    void addScores(Map<String, Double> recorded) {
        if (recorded.isEmpty()) {
            return;
        }
        if (scores == null) {
            scores = new HashMap<>(4);
        }
        recorded.forEach((name, value) -> {
            double[] s = scores.computeIfAbsent(name, n -> new double[2]);
            s[0] += value;
            s[1]++;
        });
    }

    void add(String answer) {
        if (first == null || first.equals(answer)) {
            first = answer;
            firstCount++;
        } else {
            if (others == null) {
                others = new HashMap<>(4);
            }
            others.merge(answer, 1, Integer::sum);
        }
    }

    boolean hasAnswers() {
        return first != null;
    }

    int modalCount() {
        int most = firstCount;
        if (others != null) {
            for (int c : others.values()) {
                most = Math.max(most, c);
            }
        }
        return most;
    }

    /** The most common answer; ties go to the alphabetically first, so it is the same in every run. */
    String modal() {
        String best = first;
        int count = firstCount;
        if (others != null) {
            for (Map.Entry<String, Integer> e : others.entrySet()) {
                if (e.getValue() > count || e.getValue() == count && e.getKey().compareTo(best) < 0) {
                    best = e.getKey();
                    count = e.getValue();
                }
            }
        }
        return Objects.requireNonNullElse(best, "");
    }

    boolean passedByMajority() {
        return 2 * passed > answered;
    }
}
