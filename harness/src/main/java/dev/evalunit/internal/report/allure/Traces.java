package dev.evalunit.internal.report.allure;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A stack trace as a reader of a benchmark report needs it: the exception and its frames down to the
 * last one of the test's own code, without the hundred frames of JUnit, reflection and Surefire below,
 * and each cause the same way. Stateless.
 */
final class Traces {

    private static final String[] MACHINERY = {"org.junit.", "org.apache.maven.surefire.", "jdk.internal.reflect.",
            "java.lang.reflect.", "java.base/jdk.internal.reflect.", "java.base/java.lang.reflect."};

    private Traces() {
    }

    /** The trace of {@code failure}, each of its exceptions cut where the test framework's frames begin. */
    static String cut(Throwable failure) {
        if (failure == null) {
            return null;
        }
        StringWriter whole = new StringWriter();
        failure.printStackTrace(new PrintWriter(whole));
        StringBuilder out = new StringBuilder();
        int cut = 0;
        for (String line : whole.toString().split("\\R")) {
            String frame = line.strip();
            if (frame.startsWith("at ") && machinery(frame.substring(3))) {
                cut++;
                continue;
            }
            if (cut > 0) {
                out.append("\t... ").append(cut).append(" frames of the test framework\n");
                cut = 0;
            }
            if (frame.startsWith("... ") && frame.endsWith(" more")) {
                continue; // the frames a cause shares with its parent, cut above already
            }
            out.append(line).append('\n');
        }
        if (cut > 0) {
            out.append("\t... ").append(cut).append(" frames of the test framework\n");
        }
        return out.toString();
    }

    private static boolean machinery(String frame) {
        for (String prefix : MACHINERY) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
