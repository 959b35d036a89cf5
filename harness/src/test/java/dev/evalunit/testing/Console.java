package dev.evalunit.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what an action prints to {@code System.out}: the lines a run writes to the console. */
public final class Console {

    private Console() {
    }

    /** What {@code action} printed to {@code System.out} while it ran (and only there: the console gets none of it). */
    public static String printed(Runnable action) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
