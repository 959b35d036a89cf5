package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * One file of a public dataset: where it lives inside a datasets directory, where it is published and
 * the SHA-256 of the exact bytes a benchmark expects. Immutable and thread-safe.
 *
 * <p>Pin the URL to a commit, not a branch: a branch moves (TruthfulQA's {@code main} replaced its
 * {@code TruthfulQA.csv} in January 2025) and the checksum would then reject every download.
 *
 * @param relativePath the file's place below a datasets directory, {@code /}-separated, e.g.
 *                     {@code truthfulqa/TruthfulQA.csv}; no {@code .}, {@code ..} or empty segments
 * @param url          where the file can be downloaded, an absolute http(s) URL
 * @param sha256       the SHA-256 of the expected bytes, 64 hexadecimal digits (kept in lower case)
 */
@API(status = STABLE, since = "0.1")
public record DatasetFile(String relativePath, URI url, String sha256) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public DatasetFile {
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
        checkRelativePath(relativePath);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("url of " + relativePath + " must be an absolute http(s) URL but was " + url);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 of " + relativePath
                    + " must be 64 hexadecimal digits but was \"" + sha256 + "\"");
        }
    }

    /** A file of this relative path, downloadable from {@code url}, with this SHA-256. */
    public static DatasetFile of(String relativePath, String url, String sha256) {
        return new DatasetFile(relativePath, URI.create(url), sha256);
    }

    /** The last segment of the relative path, e.g. {@code TruthfulQA.csv}. */
    public String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    private static void checkRelativePath(String path) {
        boolean bad = path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf(':') >= 0;
        for (String segment : path.split("/", -1)) {
            bad |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
        }
        if (bad) {
            throw new IllegalArgumentException("relativePath must be a relative /-separated path such as "
                    + "truthfulqa/TruthfulQA.csv, without ., .. or empty segments, but was \"" + path + "\"");
        }
    }
}
