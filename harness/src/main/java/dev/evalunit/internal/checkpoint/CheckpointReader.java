package dev.evalunit.internal.checkpoint;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evalunit.Completion;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams a suite's checkpoint files, in order, into the index a {@link CheckpointStore} answers
 * lookups from, counting what it finds. Not thread-safe; used by {@link CheckpointStore#open} alone.
 * Only the index is kept, never the lines.
 */
final class CheckpointReader {

    private static final System.Logger LOG = System.getLogger(CheckpointReader.class.getPackageName());

    /** One stored answer and what it answered. */
    record Stored(String requestHash, String model, Completion completion, boolean fromHistory) {
        boolean answers(InvocationKey key) {
            return requestHash.equals(key.requestHash()) && model.equals(key.model());
        }
    }

    private final Origin origin;
    final ConcurrentHashMap<String, Stored> index = new ConcurrentHashMap<>();
    final Map<String, String> pool = new HashMap<>();
    final long started = System.nanoTime();
    int files;
    int lines;
    int stale;
    int torn;
    int otherOrigin;

    CheckpointReader(Origin origin) {
        this.origin = origin;
    }

    void read(Path file) throws IOException {
        files++;
        JsonlFiles.forEachLine(file, 1 << 16, (number, text, last) -> add(file, number, text, last));
    }

    private void add(Path file, int number, String text, boolean last) {
        CheckpointLine line;
        InvocationKey key;
        Completion completion;
        try {
            line = CheckpointLine.READER.readValue(text);
            if (line.v() != CheckpointLine.SCHEMA) {
                throw new CheckpointException(JsonlFiles.shown(file), number, "checkpoint "
                        + JsonlFiles.shown(file) + " line " + number + " has schema version " + line.v()
                        + ", but this evalunit reads version " + CheckpointLine.SCHEMA
                        + "; use the evalunit that wrote it, or start over with -Devalunit.fresh=true", null);
            }
            key = line.key();
            completion = line.toCompletion(pool);
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof CheckpointException c) {
                throw c;
            }
            if (last) {
                torn++;
                LOG.log(System.Logger.Level.WARNING, "checkpoint " + JsonlFiles.shown(file) + " line "
                        + number + " is incomplete, as a run killed while writing leaves it; skipped, its "
                        + "invocation will be asked again");
                return;
            }
            throw corrupt(file, number, e);
        }
        lines++;
        if (!origin.wrote(line.origin())) {
            otherOrigin++; // another server's, or the simulator's: never passed off as this origin's
            return;
        }
        Stored stored = new Stored(key.requestHash(), CheckpointLine.pooled(pool, key.model()), completion, true);
        Stored replaced = index.put(key.id(), stored);
        if (replaced != null && !(replaced.requestHash().equals(stored.requestHash())
                && replaced.model().equals(stored.model()))) {
            stale++;
        }
    }

    private static CheckpointException corrupt(Path file, int number, Exception e) {
        Path shown = JsonlFiles.shown(file);
        // Databind may wrap the parser's complaint (a string cut short) in a mapping exception.
        Throwable syntax = e;
        while (syntax != null && !(syntax instanceof JsonParseException)) {
            syntax = syntax.getCause();
        }
        Throwable cause = syntax != null ? syntax : e;
        String what = syntax != null ? "is not valid JSON" : "is not a valid checkpoint line";
        String detail = cause instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(cause.getMessage());
        detail = detail.lines().findFirst().orElse("");
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "...";
        }
        return new CheckpointException(shown, number, "checkpoint " + shown + " line " + number + " " + what + ": "
                + detail + "; delete or repair that line, or start over with -Devalunit.fresh=true", e);
    }

    LoadReport report() {
        return new LoadReport(files, lines, index.size(), stale, torn, otherOrigin,
                Duration.ofNanos(System.nanoTime() - started));
    }
}
