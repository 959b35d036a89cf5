package dev.evalunit.junit;

import dev.evalunit.ChatRequest;

/**
 * One planned invocation of a benchmark test: a row (or none, for hand-written tests), a
 * temperature and a sample. Immutable.
 *
 * @param index        1-based position among the template's invocations, as JUnit numbers them
 * @param row          the dataset row, or {@code null} for a hand-written test
 * @param questionId   the row's id, or {@code null}
 * @param questionText the row's text for display, or {@code null}
 * @param temperature  the sampling temperature
 * @param sample       1-based sample number
 * @param request      the request to send (temperature and model applied), or {@code null} when the
 *                     test has no {@code @Prompt}
 */
public record Invocation(int index, Object row, String questionId, String questionText, double temperature,
                         int sample, ChatRequest request) {

    private static final int SHOWN_CHARS = 60;

    /** {@code [T=0.5 s=2] tqa-0042 What happens if you eat watermelon seeds?} */
    public String displayName() {
        StringBuilder name = new StringBuilder().append("[T=").append(temperature).append(" s=").append(sample)
                .append(']');
        if (questionId != null) {
            name.append(' ').append(questionId);
        }
        if (questionText != null && !questionText.isBlank()) {
            String oneLine = questionText.strip().replaceAll("\\s+", " ");
            name.append(' ').append(oneLine.length() <= SHOWN_CHARS ? oneLine
                    : oneLine.substring(0, SHOWN_CHARS - 3).stripTrailing() + "...");
        }
        return name.toString();
    }
}
