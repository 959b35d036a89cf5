package dev.evalunit.internal.checkpoint;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams a suite's checkpoint files, in order, into the index a {@link CheckpointStore} answers lookups
 * from: for each request and draw ({@link AnswerKey}) where its answer is, never the answer itself, so a
 * store of a million answers fits in a few hundred megabytes. Only what finding a line needs is parsed
 * ({@link CheckpointLine.Head}). Not thread-safe; used by {@link CheckpointStore#open} alone.
 *
 * <p>Every line is kept: for a request and draw stored more than once (two runs answered it after a
 * {@code fresh} start was undone, merged shards) the later line is found, except that an answer of the
 * fallback model never hides one of the request's own model.
 */
final class CheckpointReader {

    private static final System.Logger LOG = System.getLogger(CheckpointReader.class.getPackageName());

    /** Where one stored answer is: a file of {@link #files}, the line's first byte and its length. */
    record Location(int file, long offset, int length, boolean fromFallback) {
    }

    private final Origin origin;
    final List<Path> files = new ArrayList<>();
    final ConcurrentHashMap<AnswerKey, Location> index = new ConcurrentHashMap<>();
    private final Map<String, String> draws = new HashMap<>();
    final long started = System.nanoTime();
    int lines;
    int torn;
    int otherOrigin;

    CheckpointReader(Origin origin) {
        this.origin = origin;
    }

    void read(Path file) throws IOException {
        int fileIndex = files.size();
        files.add(file);
        JsonlFiles.forEachLineAt(file, 1 << 16, (number, offset, bytes, from, length, last) ->
                add(file, fileIndex, number, offset, bytes, from, length, last));
    }

    private void add(Path file, int fileIndex, int number, long offset, byte[] bytes, int from, int length,
                     boolean last) {
        CheckpointLine.Head line;
        AnswerKey key;
        try {
            line = CheckpointLine.Head.read(bytes, from, length);
            if (line.v() != CheckpointLine.SCHEMA) {
                throw new CheckpointException(JsonlFiles.shown(file), number, "checkpoint "
                        + JsonlFiles.shown(file) + " line " + number + " has schema version " + line.v()
                        + ", but this evalunit reads version " + CheckpointLine.SCHEMA
                        + "; use the evalunit that wrote it, or start over with -Devalunit.fresh=true", null);
            }
            key = line.key().answerKey();
        } catch (IOException | RuntimeException e) {
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
        if (!origin.forModel(line.model()).wrote(line.origin())) {
            otherOrigin++; // another server's, or the simulator's: never passed off as this origin's
            return;
        }
        put(new AnswerKey(key.requestHash(), draws.computeIfAbsent(key.draw(), d -> d)),
                new Location(fileIndex, offset, length, line.fromFallback()));
    }

    /** Indexes a stored answer: the later one is found, unless it is the fallback's and the earlier one is not. */
    void put(AnswerKey key, Location location) {
        index.merge(key, location, (earlier, later) -> later.fromFallback() && !earlier.fromFallback() ? earlier : later);
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
        return new LoadReport(files.size(), lines, index.size(), torn, otherOrigin,
                Duration.ofNanos(System.nanoTime() - started));
    }
}
