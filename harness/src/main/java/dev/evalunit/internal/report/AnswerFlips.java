package dev.evalunit.internal.report;

import dev.evalunit.internal.report.Analysis.Flip;
import dev.evalunit.internal.report.Analysis.Flips;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the questions of a test whose answer flips between temperatures: those whose most common answer is
 * not the same at every temperature, and those passed (by majority) at one and failed at another. A flip is
 * what a temperature sweep is run to see, beyond the accuracy moving. Stateless.
 */
final class AnswerFlips {

    /** The most flipped questions listed by id (all are counted): enough for any dataset of this kind. */
    static final int MAX_LISTED = 2_000;

    private AnswerFlips() {
    }

    /** The flips among {@code questions} (each question's samples per temperature), listed in id order. */
    static Flips of(Map<String, QuestionSamples[]> questions) {
        long multi = 0;
        long answerFlips = 0;
        long passFlips = 0;
        List<Flip> flipped = new ArrayList<>();
        for (Map.Entry<String, QuestionSamples[]> e : new TreeMap<>(questions).entrySet()) {
            QuestionSamples[] byT = e.getValue();
            if (byT.length < 2) {
                continue;
            }
            multi++;
            String firstModal = byT[0].modal();
            boolean answerFlip = false;
            boolean passFlip = false;
            for (QuestionSamples q : byT) {
                answerFlip |= !q.modal().equals(firstModal);
                passFlip |= q.passedByMajority() != byT[0].passedByMajority();
            }
            if (answerFlip) {
                answerFlips++;
                if (flipped.size() < MAX_LISTED) {
                    Map<String, String> modal = new TreeMap<>();
                    for (QuestionSamples q : byT) {
                        modal.put(Formats.temperature(q.temperature), q.modal());
                    }
                    flipped.add(new Flip(e.getKey(), modal));
                }
            }
            if (passFlip) {
                passFlips++;
            }
        }
        return new Flips(multi, answerFlips, passFlips, flipped);
    }
}
