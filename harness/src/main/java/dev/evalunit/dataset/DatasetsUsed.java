package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;

/**
 * The dataset files this JVM's readers located through {@link dev.evalunit.dataset.DatasetLocator}, each with
 * the SHA-256 it was checked against: what a run's record names as the data it asked. Process-wide, since
 * readers are the user's code and reach the locator with no run in hand; a run takes what was noted since it
 * started (another run of the same JVM before it read its own). Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class DatasetsUsed {

    private static final Map<String, Noted> NOTED = new ConcurrentHashMap<>();

    private DatasetsUsed() {
    }

    /**
     * One located file.
     *
     * @param sha256 the SHA-256 of its content as read (the expected one unless verification was off)
     * @param path   where it was read
     */
    public record File(String sha256, String path) {
    }

    private record Noted(File file, long atNanos) {
    }

    /** Notes that {@code relativePath} was read at {@code path}, with content of SHA-256 {@code sha256}. */
    public static void note(String relativePath, String sha256, Path path) {
        NOTED.put(relativePath, new Noted(new File(sha256, path.toAbsolutePath().normalize().toString()),
                System.nanoTime()));
    }

    /** Every file noted since {@code System.nanoTime()} was {@code sinceNanos}, by relative path. */
    public static Map<String, File> since(long sinceNanos) {
        Map<String, File> out = new TreeMap<>();
        NOTED.forEach((path, noted) -> {
            if (noted.atNanos() - sinceNanos >= 0) {
                out.put(path, noted.file());
            }
        });
        return out;
    }
}
