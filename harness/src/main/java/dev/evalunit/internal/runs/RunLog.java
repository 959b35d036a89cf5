package dev.evalunit.internal.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run's {@code invocations.jsonl}: one line per finished invocation, written as it finishes (so a killed
 * run's record holds what it finished), with what the run's manifest says of them: per test, how many
 * questions and a digest of them, and the models that answered. Thread-safe: invocations finish concurrently.
 */
final class RunLog implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            // a later evalunit may add fields to a line; this one still reads what it knows
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectWriter LINE = JSON.writerFor(InvocationRecord.class);

    private final Path file;
    private final BufferedWriter out;
    /** Per suite and test, each question's id and a hash of its text: the questions the run asked. */
    private final Map<String, Map<String, String>> questions = new TreeMap<>();
    private final Set<String> models = new TreeSet<>();
    private long lines;

    RunLog(Path file) {
        this.file = file;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one invocation; {@code questionText} feeds the digest of the test's questions. */
    synchronized void add(InvocationRecord record, String questionText) {
        try {
            out.write(LINE.writeValueAsString(record));
            out.write('\n');
            out.flush(); // to the operating system: a killed run's record keeps every invocation it finished
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's record " + file + ": " + e.getMessage(), e);
        }
        lines++;
        if (record.model() != null) {
            models.add(record.model());
        }
        questions.computeIfAbsent(record.suite() + " · " + record.test(), t -> new TreeMap<>())
                .putIfAbsent(record.question(), questionText == null ? "" : sha256(questionText));
    }

    synchronized long lines() {
        return lines;
    }

    synchronized Set<String> models() {
        return new TreeSet<>(models);
    }

    /**
     * Per test, its questions' count and the SHA-256 of their ids and texts in id order: two runs with the same
     * digest asked the same questions, whatever file or reader they came from.
     */
    synchronized Map<String, RunManifest.Questions> questions() {
        Map<String, RunManifest.Questions> out = new TreeMap<>();
        questions.forEach((test, byId) -> {
            StringBuilder all = new StringBuilder();
            byId.forEach((id, text) -> all.append(id).append('\t').append(text).append('\n'));
            out.put(test, new RunManifest.Questions(byId.size(), sha256(all.toString())));
        });
        return out;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the run's record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Hands every record of {@code file} to {@code each}, in order; a torn last line (a killed run) is skipped. */
    static void read(Path file, Consumer<InvocationRecord> each) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            var iterator = lines.filter(l -> !l.isBlank()).iterator();
            while (iterator.hasNext()) {
                String line = iterator.next();
                try {
                    each.accept(JSON.readValue(line, InvocationRecord.class));
                } catch (JsonProcessingException e) {
                    if (iterator.hasNext()) {
                        throw new IllegalArgumentException(file + " holds a line that is not an invocation: "
                                + e.getOriginalMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // in every JVM
        }
    }
}
