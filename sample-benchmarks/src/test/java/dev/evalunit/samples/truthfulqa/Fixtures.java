package dev.evalunit.samples.truthfulqa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small TruthfulQA-format files written for these tests (invented questions; a BOM, CRLF line
 * ends, quoting, embedded "; " and newlines). They carry names of their own so nobody takes them for
 * the upstream files; {@link #datasetsDir} lays them out as {@code evalunit.datasets.dir} expects.
 */
final class Fixtures {

    static final Path DIR = Path.of("src", "test", "resources", "fixtures").toAbsolutePath();
    /** In the format of {@code TruthfulQA.csv}. */
    static final Path QUESTIONS = DIR.resolve("questions.csv");
    /** In the format of {@code data/mc_task.json}. */
    static final Path MC_TASK = DIR.resolve("mc-task.json");
    /** In the format of the January 2025 binary {@code TruthfulQA.csv}. */
    static final Path BINARY = DIR.resolve("binary-2025.csv");

    private Fixtures() {
    }

    /** A directory under {@code parent} holding the fixtures at the upstream relative paths. */
    static Path datasetsDir(Path parent) {
        Path dir = parent.resolve("datasets");
        try {
            copy(QUESTIONS, dir.resolve(TruthfulQa.QUESTIONS.relativePath()));
            copy(MC_TASK, dir.resolve(TruthfulQa.MC_TASK.relativePath()));
            copy(BINARY, dir.resolve(TruthfulQa.BINARY.relativePath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
