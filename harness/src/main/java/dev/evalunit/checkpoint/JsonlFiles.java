package dev.evalunit.checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The append-only JSONL files evalunit keeps (checkpoints, the batch ledger): how their lines are read,
 * telling the last non-blank line apart (a writer killed mid-line leaves only that one torn), and how a
 * file is named in messages. Internal to the harness; stateless.
 */
public final class JsonlFiles {

    private JsonlFiles() {
    }

    /** Receives one non-blank line. */
    @FunctionalInterface
    public interface LineHandler {
        /**
         * @param number the 1-based line number in the file (blank lines counted)
         * @param last   whether no non-blank line follows
         */
        void accept(int number, String text, boolean last);
    }

    /**
     * Hands every non-blank line of {@code file} to {@code handler}, in order. A decoder that replaces
     * malformed bytes, unlike {@code Files.newBufferedReader}'s: a torn last line may end inside a
     * character and must reach the handler as a torn line, not fail the whole read.
     */
    public static void forEachLine(Path file, int bufferSize, LineHandler handler) throws IOException {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), bufferSize)) {
            String previous = null;
            int previousNumber = 0;
            int number = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (previous != null) {
                    handler.accept(previousNumber, previous, false);
                }
                previous = line;
                previousNumber = number;
            }
            if (previous != null) {
                handler.accept(previousNumber, previous, true);
            }
        }
    }

    /** {@code file} relative to the working directory when it lies below it, else as given. */
    public static Path shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : file;
    }
}
