package dev.evalunit.internal.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a suite's checkpoint files live:
 * {@code <directory>/<suite>/epoch-<n>/run-<UTC yyyyMMdd-HHmmss-SSS>-<pid>.jsonl}.
 *
 * <p>One file per run, so runs that overlap or are killed never interleave their lines. Files sort by
 * name in the order their runs started; a new run's name always sorts after every file already there
 * (its time is moved past the newest name's if the clock disagrees), so "later lines win" means "the
 * later run wins". Only the highest epoch is read; {@code fresh} opens the next one.
 */
final class Layout {

    private static final Pattern EPOCH = Pattern.compile("epoch-(\\d{1,9})");
    private static final Pattern RUN = Pattern.compile("run-(\\d{8}-\\d{6}-\\d{3})-\\d+\\.jsonl");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private Layout() {
    }

    /** The suite's directory; characters other than letters, digits, {@code .}, {@code _} and {@code -} become {@code _}. */
    static Path suiteDirectory(Path root, String suite) {
        String safe = suite.replaceAll("[^A-Za-z0-9._-]", "_");
        return root.resolve(safe.startsWith(".") ? "_" + safe.substring(1) : safe);
    }

    /** The highest epoch number under {@code suiteDir}, or 0 when there is none. */
    static int newestEpoch(Path suiteDir) throws IOException {
        if (!Files.isDirectory(suiteDir)) {
            return 0;
        }
        try (Stream<Path> children = Files.list(suiteDir)) {
            return children.filter(Files::isDirectory)
                    .map(p -> EPOCH.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .max().orElse(0);
        }
    }

    static Path epochDirectory(Path suiteDir, int epoch) {
        return suiteDir.resolve("epoch-" + epoch);
    }

    /** Every {@code *.jsonl} file of {@code dir}, in name order. */
    static List<Path> checkpointFiles(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    /**
     * Creates this run's file in {@code dir}, named after the clock's time, or just after the newest
     * run file's time when the clock is behind it, and opens it for appending.
     */
    static RunFile createRunFile(Path dir, List<Path> existing, Clock clock, long pid) throws IOException {
        Instant at = clock.instant();
        for (Path p : existing) {
            Matcher m = RUN.matcher(p.getFileName().toString());
            if (m.matches()) {
                Instant last = LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC);
                if (!at.isAfter(last)) {
                    at = last.plusMillis(1);
                }
            }
        }
        for (int attempt = 0; ; attempt++) {
            Path file = dir.resolve("run-" + STAMP.format(at.atOffset(ZoneOffset.UTC)) + "-" + pid + ".jsonl");
            try {
                return new RunFile(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND));
            } catch (FileAlreadyExistsException e) {
                // Another store of this JVM opened in the same millisecond: take the next one.
                if (attempt == 1000) {
                    throw e;
                }
                at = at.plusMillis(1);
            }
        }
    }

    /** A run's new file, open for appending. */
    record RunFile(Path path, FileChannel channel) {
    }

    /** Forces the directory entry of a new file to the device; not every platform can, and then it is skipped. */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its file system records the entry with the file.
        }
    }
}
