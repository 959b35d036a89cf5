package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How to reach the OpenAI API (or any OpenAI-compatible server). Immutable; {@link #toString()}
 * redacts the API key.
 *
 * @param apiKey         the secret key, or {@code null} for none (the run then uses the simulator)
 * @param baseUrl        an http(s) URL without trailing slash; default {@code https://api.openai.com/v1}
 * @param organization   the {@code OpenAI-Organization} header, or {@code null}
 * @param project        the {@code OpenAI-Project} header, or {@code null}
 * @param connectTimeout time to establish a connection, &gt; 0; default 10s
 * @param requestTimeout time for a whole request, &gt; 0; default 120s
 */
@API(status = STABLE, since = "0.1")
public record OpenAIConfig(String apiKey, URI baseUrl, String organization, String project,
                           Duration connectTimeout, Duration requestTimeout) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");

    public OpenAIConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Checks.positive("connectTimeout", connectTimeout);
        Checks.positive("requestTimeout", requestTimeout);
        baseUrl = normalize(baseUrl);
        apiKey = blankToNull(apiKey);
        organization = blankToNull(organization);
        project = blankToNull(project);
    }

    /** OpenAI's endpoint with no key and the default timeouts. */
    public static OpenAIConfig defaults() {
        return new OpenAIConfig(null, DEFAULT_BASE_URL, null, null, Duration.ofSeconds(10), Duration.ofSeconds(120));
    }

    public boolean hasApiKey() {
        return apiKey != null;
    }

    public OpenAIConfig withApiKey(String apiKey) {
        return new OpenAIConfig(apiKey, baseUrl, organization, project, connectTimeout, requestTimeout);
    }

    public OpenAIConfig withBaseUrl(URI baseUrl) {
        return new OpenAIConfig(apiKey, baseUrl, organization, project, connectTimeout, requestTimeout);
    }

    @Override
    public String toString() {
        return "OpenAIConfig[apiKey=" + Redaction.apiKey(apiKey) + ", baseUrl=" + baseUrl
                + ", organization=" + organization + ", project=" + project
                + ", connectTimeout=" + Durations.format(connectTimeout)
                + ", requestTimeout=" + Durations.format(requestTimeout) + "]";
    }

    /**
     * Checks that {@code url} is an absolute http(s) URL with a host and removes trailing slashes, so
     * that paths can be appended as {@code baseUrl + "/chat/completions"}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static URI normalize(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL but was " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("baseUrl must name a host but was " + url);
        }
        String text = url.toString();
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        return end == text.length() ? url : URI.create(text.substring(0, end));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
