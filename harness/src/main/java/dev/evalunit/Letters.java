package dev.evalunit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the option letter out of a free-form multiple-choice reply. */
final class Letters {

    // A letter standing alone: not part of a word ("A" in "Apple" is no answer, "a" as an article is
    // only taken when it is the whole reply or follows "answer").
    private static final Pattern WHOLE = Pattern.compile("^\\W*([A-Za-z])\\W*$");
    private static final Pattern AFTER_ANSWER = Pattern.compile(
            "(?i)\\banswer(?:\\s+is)?\\s*[:\\-]?\\s*\\(?([A-Z])\\b[).:]?");
    private static final Pattern LEADING = Pattern.compile("^\\s*\\(?([A-Z])[).:](?:\\s|$)");
    private static final Pattern PAREN = Pattern.compile("\\(([A-Z])\\)");

    private Letters() {
    }

    static Optional<Character> pick(String reply) {
        if (reply == null || reply.isBlank()) {
            return Optional.empty();
        }
        for (Pattern p : new Pattern[] {WHOLE, AFTER_ANSWER, LEADING, PAREN}) {
            Matcher m = p.matcher(reply.strip());
            if (m.find()) {
                return Optional.of(Character.toUpperCase(m.group(1).charAt(0)));
            }
        }
        return Optional.empty();
    }
}
