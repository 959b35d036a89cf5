package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where {@link DatasetLocator} looks for dataset files and whether it may download them. Immutable and
 * thread-safe.
 *
 * @param directory a directory holding dataset files at their relative paths ({@code evalunit.datasets.dir},
 *                  none by default); a relative path is looked up from the working directory upwards, see
 *                  {@link DatasetLocator}
 * @param cache     where downloaded files are kept ({@code evalunit.datasets.cache}, default
 *                  {@code ~/.cache/evalunit/datasets})
 * @param download  whether a file found nowhere is downloaded ({@code evalunit.datasets.download}, default true)
 * @param baseUrl   when present, files are downloaded from {@code <baseUrl>/<relative path>} instead of
 *                  their own URL, e.g. from a mirror ({@code evalunit.datasets.base-url}, none by default)
 * @param verify    whether a file in {@link #directory} must have the expected SHA-256
 *                  ({@code evalunit.datasets.verify}, default true); the cache and downloads are always checked
 */
@API(status = STABLE, since = "0.1")
public record DatasetOptions(Optional<Path> directory, Path cache, boolean download, Optional<URI> baseUrl,
                             boolean verify) {

    /** The cache used when {@code evalunit.datasets.cache} is not set, below the user's home. */
    public static final String DEFAULT_CACHE = "~/.cache/evalunit/datasets";

    public DatasetOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = baseUrl.map(DatasetOptions::checkBaseUrl);
    }

    /** No directory, the default cache below the user's home, downloads from each file's own URL, verified. */
    public static DatasetOptions defaults() {
        return new DatasetOptions(Optional.empty(), expandHome(DEFAULT_CACHE), true, Optional.empty(), true);
    }

    /**
     * Reads {@code evalunit.datasets.dir}, {@code .cache}, {@code .download}, {@code .base-url} and
     * {@code .verify}.
     *
     * @throws dev.evalunit.config.ConfigException naming the key, the value and what is allowed
     */
    public static DatasetOptions from(EvalConfig config) {
        ConfigValues v = config.values();
        Optional<Path> directory = v.getOptional(ConfigKeys.DATASETS_DIR, "a directory path", DatasetOptions::path);
        Path cache = v.getAs(ConfigKeys.DATASETS_CACHE, expandHome(DEFAULT_CACHE), "a directory path",
                DatasetOptions::path);
        boolean download = v.getBoolean(ConfigKeys.DATASETS_DOWNLOAD, true);
        Optional<URI> baseUrl = v.getOptional(ConfigKeys.DATASETS_BASE_URL, "an http(s) URL",
                s -> checkBaseUrl(URI.create(s.strip())));
        boolean verify = v.getBoolean(ConfigKeys.DATASETS_VERIFY, true);
        return new DatasetOptions(directory, cache, download, baseUrl, verify);
    }

    public DatasetOptions withDirectory(Path directory) {
        return new DatasetOptions(Optional.of(directory), cache, download, baseUrl, verify);
    }

    public DatasetOptions withDownload(boolean download) {
        return new DatasetOptions(directory, cache, download, baseUrl, verify);
    }

    public DatasetOptions withBaseUrl(URI baseUrl) {
        return new DatasetOptions(directory, cache, download, Optional.of(baseUrl), verify);
    }

    public DatasetOptions withVerify(boolean verify) {
        return new DatasetOptions(directory, cache, download, baseUrl, verify);
    }

    /** The address {@code file} is downloaded from: its own URL, or below {@link #baseUrl} when that is set. */
    public URI downloadUrl(DatasetFile file) {
        if (baseUrl.isEmpty()) {
            return file.url();
        }
        URI base = baseUrl.get();
        String path = (base.getPath() == null ? "" : base.getPath()) + "/" + file.relativePath();
        try {
            return new URI(base.getScheme(), base.getRawAuthority(), path, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot append " + file.relativePath() + " to " + base, e);
        }
    }

    /** A path as written; a leading {@code ~} stands for the user's home. */
    private static Path path(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("blank");
        }
        return expandHome(value.strip());
    }

    private static Path expandHome(String value) {
        if (value.equals("~") || value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), value.substring(1).replaceFirst("^/", ""));
        }
        return Path.of(value);
    }

    /** An absolute http(s) URL without query or fragment; a trailing {@code /} is removed. */
    private static URI checkBaseUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL without query but was " + url);
        }
        String s = url.toString();
        return s.endsWith("/") ? URI.create(s.replaceAll("/+$", "")) : url;
    }
}
