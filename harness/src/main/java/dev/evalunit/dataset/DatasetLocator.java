package dev.evalunit.dataset;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Finds dataset files on this machine, or downloads them once. Thread-safe: runs and threads that
 * download the same file at once each install a complete, verified copy.
 *
 * <p>{@link #locate} tries, in order:
 * <ol>
 *   <li>{@code <evalunit.datasets.dir>/<relative path>}, when that key is set. A relative directory is
 *       looked up from the working directory upwards (Maven runs a module's tests in the module's
 *       directory, so {@code -Devalunit.datasets.dir=../shared/datasets} given at the project root still
 *       finds it). The file must have the expected SHA-256: another version fails the run at once, since
 *       the user chose that file, unless {@code evalunit.datasets.verify=false}, which uses it with a
 *       warning naming both checksums.</li>
 *   <li>{@code <evalunit.datasets.cache>/<relative path>}, default {@code ~/.cache/evalunit/datasets};
 *       a copy with the wrong checksum (a truncated or edited file) is replaced by a download.</li>
 *   <li>A download from the file's URL, or from {@code <evalunit.datasets.base-url>/<relative path>}, into
 *       the cache, checked against the SHA-256 before it is moved into place; off when
 *       {@code evalunit.datasets.download=false}.</li>
 * </ol>
 * When none serves, a {@link DatasetUnavailableException} lists every place tried with why it failed,
 * and says where to put the file.
 */
@API(status = STABLE, since = "0.1")
public final class DatasetLocator {

    private static final System.Logger LOG = System.getLogger(DatasetLocator.class.getPackageName());

    private final DatasetOptions options;
    private final Path workingDirectory;
    private HttpClient client;

    public DatasetLocator(DatasetOptions options) {
        this(options, Path.of(""));
    }

    DatasetLocator(DatasetOptions options, Path workingDirectory) {
        this.options = Objects.requireNonNull(options, "options");
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** A locator configured by {@code evalunit.datasets.*}; see {@link DatasetOptions#from}. */
    public static DatasetLocator from(EvalConfig config) {
        return new DatasetLocator(DatasetOptions.from(config));
    }

    public DatasetOptions options() {
        return options;
    }

    /**
     * The local path of {@code file}, downloading it into the cache when no copy is found.
     *
     * @throws DatasetUnavailableException when no place serves the file, or the configured directory holds
     *                                     another version of it while verification is on
     */
    public Path locate(DatasetFile file) {
        List<DatasetUnavailableException.Attempt> attempts = new ArrayList<>();
        URI url = options.downloadUrl(file);
        Path putAt = null;

        if (options.directory().isPresent()) {
            Path dir = resolveDirectory(options.directory().get());
            Path candidate = dir.resolve(file.relativePath());
            putAt = candidate;
            if (!Files.isDirectory(dir)) {
                attempts.add(attempt(ConfigKeys.DATASETS_DIR, candidate, "directory " + dir + " not found"));
            } else if (!Files.isRegularFile(candidate)) {
                attempts.add(attempt(ConfigKeys.DATASETS_DIR, candidate, "not found"));
            } else {
                String actual = sha256(candidate, attempts, ConfigKeys.DATASETS_DIR);
                if (file.sha256().equals(actual)) {
                    return used(file, candidate, actual);
                }
                if (actual != null && !options.verify()) {
                    LOG.log(WARNING, () -> "using " + candidate + " although it is not the expected "
                            + file.relativePath() + ": " + DatasetUnavailableException.checksumMismatch(file, actual)
                            + " (" + ConfigKeys.DATASETS_VERIFY + "=false)");
                    return used(file, candidate, actual);
                }
                if (actual != null) {
                    throw DatasetUnavailableException.mismatch(file, candidate, actual, url);
                }
            }
        } else {
            attempts.add(new DatasetUnavailableException.Attempt(ConfigKeys.DATASETS_DIR, null, "not set"));
        }

        Path cached = options.cache().toAbsolutePath().normalize().resolve(file.relativePath());
        if (putAt == null) {
            putAt = cached;
        }
        if (Files.isRegularFile(cached)) {
            String actual = sha256(cached, attempts, "cache");
            if (file.sha256().equals(actual)) {
                return used(file, cached, actual);
            }
            if (actual != null) {
                attempts.add(attempt("cache", cached, DatasetUnavailableException.checksumMismatch(file, actual)));
            }
        } else {
            attempts.add(attempt("cache", cached, "not found"));
        }

        if (!options.download()) {
            attempts.add(new DatasetUnavailableException.Attempt("download", url.toString(),
                    "off (" + ConfigKeys.DATASETS_DOWNLOAD + "=false)"));
        } else {
            try {
                LOG.log(INFO, () -> "downloading " + file.relativePath() + " from " + url);
                long size = Download.fetch(client(), url, cached, file);
                LOG.log(INFO, () -> "downloaded " + file.relativePath() + " (" + size + " bytes, SHA-256 verified) to "
                        + cached);
                return used(file, cached, file.sha256());
            } catch (Download.Failed e) {
                attempts.add(new DatasetUnavailableException.Attempt("download", url.toString(), e.getMessage()));
            }
        }
        throw DatasetUnavailableException.notFound(file, attempts, putAt, options.directory().isPresent(), url);
    }

    /** {@code path}, noted as the file a run read (its SHA-256 goes into the run's record). */
    private static Path used(DatasetFile file, Path path, String sha256) {
        DatasetsUsed.note(file.relativePath(), sha256, path);
        return path;
    }

    /**
     * An absolute directory as is; a relative one against the working directory or, when it does not exist
     * there, against the nearest parent of the working directory where it does.
     */
    Path resolveDirectory(Path directory) {
        if (directory.isAbsolute()) {
            return directory.normalize();
        }
        for (Path base = workingDirectory; base != null; base = base.getParent()) {
            Path candidate = base.resolve(directory).normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return workingDirectory.resolve(directory).normalize();
    }

    private static String sha256(Path file, List<DatasetUnavailableException.Attempt> attempts, String place) {
        try {
            return Checksums.sha256(file);
        } catch (IOException e) {
            attempts.add(attempt(place, file, "cannot be read: " + Download.describe(e)));
            return null;
        }
    }

    private static DatasetUnavailableException.Attempt attempt(String place, Path path, String failure) {
        return new DatasetUnavailableException.Attempt(place, path.toString(), failure);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = Download.newClient();
        }
        return client;
    }
}
