package dev.evalunit.internal.throttle;

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
    void withoutProjectOrOrganizationTheKeyNamesThemByASaltedHashNeverItself() {
        String namespace = SharedLimits.namespaceOf(openai(KEY, null, null));

        assertThat(namespace).startsWith("api.openai.com:key-").hasSize("api.openai.com:key-".length() + 12)
                .doesNotContain(KEY.substring(3));
        assertThat(SharedLimits.namespaceOf(openai(KEY, null, null))).as("the same key").isEqualTo(namespace);
        assertThat(SharedLimits.namespaceOf(openai(KEY + "x", null, null))).as("another key").isNotEqualTo(namespace);
    }
}
