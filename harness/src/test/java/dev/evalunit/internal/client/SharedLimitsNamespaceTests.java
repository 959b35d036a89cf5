package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.config.OpenAIConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whose limits processes share when no namespace is set: OpenAI's project, else organization, else key. */
class SharedLimitsNamespaceTests {

    private static final String KEY = "sk-" + "test-namespace0123456789abcdef";

    private static OpenAIConfig openai(String key, String organization, String project) {
        return new OpenAIConfig(key, URI.create("https://api.openai.com/v1"), organization, project,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    @Test
    void theProjectNamesTheLimitsWhenOneIsSet() {
        assertThat(SharedLimits.namespaceOf(openai(KEY, "org-lab", "proj_truth")))
                .isEqualTo("api.openai.com:proj_truth");
        assertThat(SharedLimits.namespaceOf(openai(KEY, "org-lab", null))).isEqualTo("api.openai.com:org-lab");
    }

    @Test
    void twoServersOnOneHostAreTwoAccountsByTheirPorts() {
        OpenAIConfig one = new OpenAIConfig("sk-simulator", URI.create("http://127.0.0.1:40001/v1"), null, null,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
        OpenAIConfig other = one.withBaseUrl(URI.create("http://127.0.0.1:40002/v1"));

        assertThat(SharedLimits.namespaceOf(one)).startsWith("127.0.0.1:40001:key-")
                .isNotEqualTo(SharedLimits.namespaceOf(other));
    }

    @Test
    void withoutProjectOrOrganizationTheKeyNamesThemByASaltedHashNeverItself() {
        String namespace = SharedLimits.namespaceOf(openai(KEY, null, null));

        assertThat(namespace).startsWith("api.openai.com:key-").hasSize("api.openai.com:key-".length() + 12)
                .doesNotContain(KEY.substring(3));
        assertThat(SharedLimits.namespaceOf(openai(KEY, null, null))).as("the same key").isEqualTo(namespace);
        assertThat(SharedLimits.namespaceOf(openai(KEY + "x", null, null))).as("another key").isNotEqualTo(namespace);
    }
}
