package dev.evalunit.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads {@link ConfigSources} into {@link Layer}s, strongest first, the defaults last. */
final class SourceReader {

    static final String DOTENV_FILE = ".env";
    static final String PROPERTIES_FILE = "evalunit.properties";

    private SourceReader() {
    }

    static List<Layer> read(ConfigSources sources) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer(Layer.Kind.SYSTEM_PROPERTY, "", ours(sources.systemProperties()), Map.of()));
        layers.add(new Layer(Layer.Kind.ENVIRONMENT, "", Map.of(), ourEnv(sources.environment())));
        sources.workingDirectory().ifPresent(dir -> {
            Path dotenv = dir.resolve(DOTENV_FILE);
            if (Files.isRegularFile(dotenv)) {
                layers.add(readDotenv(dir, dotenv));
            }
        });
        String fileUrl = null;
        if (sources.workingDirectory().isPresent()) {
            Path file = sources.workingDirectory().get().resolve(PROPERTIES_FILE);
            if (Files.isRegularFile(file)) {
                fileUrl = file.toUri().toString();
                try (InputStream in = Files.newInputStream(file)) {
                    layers.add(readProperties(in, fileUrl));
                } catch (IOException e) {
                    throw unreadable(fileUrl, e);
                }
            }
        }
        if (sources.classLoader().isPresent()) {
            URL resource = sources.classLoader().get().getResource(PROPERTIES_FILE);
            // The working directory can be on the class path; read that file once.
            if (resource != null && !location(resource).equals(fileUrl)) {
                try (InputStream in = resource.openStream()) {
                    layers.add(readProperties(in, location(resource)));
                } catch (IOException e) {
                    throw unreadable(location(resource), e);
                }
            }
        }
        Map<String, String> defaults = new HashMap<>();
        for (ConfigKeys.Key key : ConfigKeys.all()) {
            if (key.defaultValue() != null) {
                defaults.put(key.name(), key.defaultValue());
            }
        }
        layers.add(new Layer(Layer.Kind.DEFAULT, "", defaults, Map.of()));
        return List.copyOf(layers);
    }

    /**
     * A {@code .env} file through dotenv-java. Only a file that exists is handed over: dotenv-java falls
     * back to a {@code .env} on the class path when the file is missing, which would be a surprise.
     */
    private static Layer readDotenv(Path dir, Path file) {
        String location = file.toString();
        Dotenv dotenv;
        try {
            dotenv = Dotenv.configure().directory(dir.toString()).filename(DOTENV_FILE).load();
        } catch (DotenvException e) {
            // dotenv-java quotes the whole line, which may hold the API key: name the entry only.
            throw new ConfigException(null, null, ".env file " + location,
                    ".env file " + location + " has a line that is not NAME=value" + entryName(e.getMessage())
                            + "; quote values that contain # or spaces", null);
        }
        Map<String, String> byKey = new HashMap<>();
        Map<String, String> byEnvName = new HashMap<>();
        for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
            String name = entry.getKey();
            String value = entry.getValue();
            if (value == null || value.isBlank()) {
                continue;
            }
            if (name.startsWith("evalunit.")) {
                byKey.put(name, value.strip());
            } else if (ConfigKeys.isOurEnvName(name)) {
                byEnvName.put(name, value.strip());
            }
        }
        return new Layer(Layer.Kind.DOTENV, location, byKey, byEnvName);
    }

    /** A file resource written as {@link Path#toUri()} writes it, so both properties layers read alike. */
    private static String location(URL resource) {
        if ("file".equals(resource.getProtocol())) {
            try {
                return Path.of(resource.toURI()).toUri().toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                return resource.toString();
            }
        }
        return resource.toString();
    }

    private static String entryName(String message) {
        String prefix = "Malformed entry ";
        if (message == null || !message.startsWith(prefix)) {
            return "";
        }
        String line = message.substring(prefix.length());
        int eq = line.indexOf('=');
        return eq > 0 ? " (entry " + line.substring(0, eq).strip() + ")" : "";
    }

    private static Layer readProperties(InputStream in, String url) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> byKey = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            byKey.put(name, properties.getProperty(name));
        }
        return new Layer(Layer.Kind.PROPERTIES, url, ours(byKey), Map.of());
    }

    private static Map<String, String> ours(Map<String, String> properties) {
        Map<String, String> result = new HashMap<>();
        properties.forEach((name, value) -> {
            if (name.startsWith("evalunit.") && value != null && !value.isBlank()) {
                result.put(name, value.strip());
            }
        });
        return result;
    }

    private static Map<String, String> ourEnv(Map<String, String> environment) {
        Map<String, String> result = new HashMap<>();
        environment.forEach((name, value) -> {
            if (ConfigKeys.isOurEnvName(name) && value != null && !value.isBlank()) {
                result.put(name, value.strip());
            }
        });
        return result;
    }

    private static ConfigException unreadable(String url, IOException e) {
        return new ConfigException(null, null, "evalunit.properties (" + url + ")",
                "evalunit.properties (" + url + ") cannot be read: " + e.getMessage(), e);
    }
}
