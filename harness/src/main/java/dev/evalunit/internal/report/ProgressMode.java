package dev.evalunit.internal.report;

import java.util.Locale;

/** How a run shows its progress: {@code evalunit.progress}. */
enum ProgressMode {
    /** A live bar on a terminal; plain lines when there is none or {@code CI} is set. */
    AUTO,
    /** Always the live bar, redrawn in place. */
    BAR,
    /** One line every interval and a last one: readable in a CI log. */
    PLAIN,
    /** Nothing. */
    OFF;

    /** {@code auto}, {@code bar}, {@code plain} or {@code off}, in any case. */
    public static ProgressMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * What {@code AUTO} means here: the bar only when a person watches a terminal. A CI log keeps every
     * redraw of a bar as a line of its own, so CI gets plain lines even when it fakes a terminal.
     *
     * @param console whether {@link System#console()} is not null
     * @param ci      the value of the {@code CI} environment variable, or {@code null}
     */
    ProgressMode resolve(boolean console, String ci) {
        if (this != AUTO) {
            return this;
        }
        return console && (ci == null || ci.isBlank()) ? BAR : PLAIN;
    }
}
