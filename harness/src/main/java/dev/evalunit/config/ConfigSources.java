package dev.evalunit.config;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apiguardian.api.API;

/**
 * The places configuration is read from, as an immutable value, so tests can describe every layer
 * without touching the real process. Thread-safe.
 *
 * <p>Layers, strongest first: system properties ({@code -Devalunit.*}), environment variables, a
 * {@code .env} file in the working directory, an {@code evalunit.properties} file in the working
 * directory, an {@code evalunit.properties} resource on the class path, the defaults.
 */
@API(status = INTERNAL, since = "0.1")
public final class ConfigSources {

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final ClassLoader classLoader;

    private ConfigSources(Map<String, String> systemProperties, Map<String, String> environment,
                          Path workingDirectory, ClassLoader classLoader) {
        this.systemProperties = Map.copyOf(systemProperties);
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory == null ? null : workingDirectory.toAbsolutePath().normalize();
        this.classLoader = classLoader;
    }

    /**
     * Sources for a test: these system properties and environment variables, and the {@code .env} and
     * {@code evalunit.properties} files of {@code workingDirectory} ({@code null} for no files). The
     * class path is not consulted; see {@link #withClassLoader}.
     */
    public static ConfigSources of(Map<String, String> systemProperties, Map<String, String> environment,
                                   Path workingDirectory) {
        return new ConfigSources(systemProperties, environment, workingDirectory, null);
    }

    /** No sources at all: every value is its default, and there is no API key. */
    public static ConfigSources none() {
        return of(Map.of(), Map.of(), null);
    }

    /** This process: its system properties, environment, current directory and context class loader. */
    public static ConfigSources real() {
        Map<String, String> props = new HashMap<>();
        Properties system = System.getProperties();
        for (String name : system.stringPropertyNames()) {
            String value = system.getProperty(name);
            if (name.startsWith("evalunit.") && value != null) {
                props.put(name, value);
            }
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return new ConfigSources(props, System.getenv(), Path.of(""),
                loader != null ? loader : ConfigSources.class.getClassLoader());
    }

    /** A copy that also reads the {@code evalunit.properties} resource of this class loader. */
    public ConfigSources withClassLoader(ClassLoader loader) {
        return new ConfigSources(systemProperties, environment, workingDirectory, Objects.requireNonNull(loader));
    }

    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** The absolute directory whose {@code .env} and {@code evalunit.properties} are read, if any. */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** The class loader whose {@code evalunit.properties} resource is read, if any. */
    public Optional<ClassLoader> classLoader() {
        return Optional.ofNullable(classLoader);
    }

    /** Counts only: the environment holds other programs' secrets. */
    @Override
    public String toString() {
        return "ConfigSources[" + systemProperties.size() + " system properties, " + environment.size()
                + " environment variables, working directory " + (workingDirectory == null ? "none" : workingDirectory)
                + ", class path " + (classLoader == null ? "not read" : "read") + "]";
    }
}
