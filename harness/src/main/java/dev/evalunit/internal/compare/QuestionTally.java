package dev.evalunit.internal.compare;

import dev.evalunit.internal.runs.InvocationRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * One question's invocations on one side of a comparison (its samples at one temperature of one run or
 * model): how many were judged and passed, how many ended without a verdict, and each score's sum. Not
 * thread-safe; filled by one reader.
 */
final class QuestionTally {

    int invocations;
    int judged;
    int passed;
    final Map<String, double[]> scores = new HashMap<>(4); // name -> {sum, count}

    void add(InvocationRecord r) {
        invocations++;
        if (r.judged()) {
            judged++;
            if (r.passed()) {
                passed++;
            }
            r.scores().forEach((name, value) -> {
                if (value != null && Double.isFinite(value)) {
                    double[] s = scores.computeIfAbsent(name, n -> new double[2]);
                    s[0] += value;
                    s[1]++;
                }
            });
        }
    }

    /** The share of its judged samples that passed; NaN when none was judged. */
    double accuracy() {
        return judged == 0 ? Double.NaN : (double) passed / judged;
    }

    /** The mean of a score over its judged samples that recorded it; NaN when none did. */
    double score(String name) {
        double[] s = scores.get(name);
        return s == null ? Double.NaN : s[0] / s[1];
    }
}
