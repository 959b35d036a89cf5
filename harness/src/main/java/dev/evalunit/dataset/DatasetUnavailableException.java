package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.config.ConfigKeys;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A dataset file could not be found, fetched or trusted. The message names the file, every place tried
 * with why it failed, and where to put the file:
 *
 * <pre>
 * dataset file truthfulqa/TruthfulQA.csv is not available. Tried:
 *   evalunit.datasets.dir: not set
 *   cache /home/ann/.cache/evalunit/datasets/truthfulqa/TruthfulQA.csv: not found
 *   download https://raw.githubusercontent.com/...: java.net.ConnectException
 * Put TruthfulQA.csv (SHA-256 f9bd...) at /home/ann/.cache/evalunit/datasets/truthfulqa/TruthfulQA.csv,
 * or set evalunit.datasets.dir to a directory that holds truthfulqa/TruthfulQA.csv. ...
 * </pre>
 */
@API(status = STABLE, since = "0.1")
public final class DatasetUnavailableException extends DatasetException {

    /**
     * One place a file was looked for.
     *
     * @param place    {@code evalunit.datasets.dir}, {@code cache} or {@code download}
     * @param location the path or URL tried, or {@code null} when there was none (the key is not set)
     * @param failure  why it did not serve, e.g. {@code not found}, {@code not set}, a checksum mismatch
     *                 with both sums, or the download's error
     */
    public record Attempt(String place, String location, String failure) {

        public Attempt {
            Objects.requireNonNull(place, "place");
            Objects.requireNonNull(failure, "failure");
        }

        @Override
        public String toString() {
            return place + (location == null ? "" : " " + location) + ": " + failure;
        }
    }

    private final DatasetFile file;
    private final List<Attempt> attempts;
    private final Path expectedAt;

    private DatasetUnavailableException(DatasetFile file, List<Attempt> attempts, Path expectedAt, String message,
                                        Throwable cause) {
        super(message, cause);
        this.file = file;
        this.attempts = List.copyOf(attempts);
        this.expectedAt = expectedAt;
    }

    /** Every place failed. */
    static DatasetUnavailableException notFound(DatasetFile file, List<Attempt> attempts, Path putAt,
                                                boolean directoryConfigured, URI downloadUrl) {
        StringBuilder out = new StringBuilder("dataset file ").append(file.relativePath())
                .append(" is not available. Tried:");
        attempts.forEach(a -> out.append("\n  ").append(a));
        out.append("\nPut ").append(file.fileName()).append(" (SHA-256 ").append(file.sha256()).append(") at ")
                .append(putAt);
        if (directoryConfigured) {
            out.append(" (below ").append(ConfigKeys.DATASETS_DIR).append(')');
        } else {
            out.append(", or set ").append(ConfigKeys.DATASETS_DIR).append(" to a directory that holds ")
                    .append(file.relativePath());
        }
        out.append(". The file is published at ").append(downloadUrl).append('.');
        return new DatasetUnavailableException(file, attempts, putAt, out.toString(), null);
    }

    /** The configured directory holds another version of the file, and verification is on. */
    static DatasetUnavailableException mismatch(DatasetFile file, Path found, String actualSha256, URI downloadUrl) {
        Attempt attempt = new Attempt(ConfigKeys.DATASETS_DIR, found.toString(), checksumMismatch(file, actualSha256));
        String message = "dataset file " + found + " (from " + ConfigKeys.DATASETS_DIR + ") is not the expected "
                + file.relativePath() + ": it has SHA-256 " + actualSha256 + " but " + file.sha256()
                + " was expected. Replace it with the file published at " + downloadUrl + ", or set "
                + ConfigKeys.DATASETS_VERIFY + "=false to use it as it is.";
        return new DatasetUnavailableException(file, List.of(attempt), found, message, null);
    }

    static String checksumMismatch(DatasetFile file, String actualSha256) {
        return "checksum mismatch: SHA-256 " + actualSha256 + ", expected " + file.sha256();
    }

    /** The file that was looked for. */
    public DatasetFile file() {
        return file;
    }

    /** Every place tried, in order, with why it failed. */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** Where the file should be put (or replaced) for the next run to find it. */
    public Path expectedAt() {
        return expectedAt;
    }
}
