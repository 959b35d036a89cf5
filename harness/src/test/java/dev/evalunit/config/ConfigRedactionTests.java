package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API key never appears in anything we print, log or throw. */
class ConfigRedactionTests {

    private static final String KEY = "sk-" + "proj-abcdefSECRET123";
    private static final String SECRET_PART = "abcdefSECRET";

    @TempDir
    Path dir;

    @Test
    void openAiConfigShowsOnlyTheFixedPrefix() {
        OpenAIConfig config = OpenAIConfig.defaults().withApiKey(KEY);

        assertThat(config.toString()).contains("apiKey=sk-...(redacted)").doesNotContain(SECRET_PART, "sk-proj");
        assertThat(OpenAIConfig.defaults().toString()).contains("apiKey=<none>");
        assertThat(config.withApiKey("custom-server-token").toString())
                .contains("apiKey=(redacted)").doesNotContain("custom", "token");
        assertThat(config.hasApiKey()).isTrue();
        assertThat(config.apiKey()).isEqualTo(KEY);
    }

    @Test
    void evalConfigAndConfigValuesRedactTheKey() throws IOException {
        Files.writeString(dir.resolve(".env"), "OPENAI_API_KEY=" + KEY + "\n");
        EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of("evalunit.openai.api-key", KEY),
                Map.of("OPENAI_API_KEY", KEY), dir));

        assertThat(config.toString()).doesNotContain(SECRET_PART);
        assertThat(config.values().toString())
                .contains("evalunit.openai.api-key=sk-...(redacted) (system property -Devalunit.openai.api-key)")
                .doesNotContain(SECRET_PART);
        assertThat(ConfigSources.of(Map.of(), Map.of("OPENAI_API_KEY", KEY), dir).toString()).doesNotContain(SECRET_PART);
    }

    @Test
    void exceptionAboutTheKeyRedactsItsValue() {
        String spaced = "sk-abc SECRET";
        assertThatThrownBy(() -> EvalConfig.load(ConfigSources.of(Map.of(), Map.of("OPENAI_API_KEY", spaced), null)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.value()).isEqualTo("(redacted)");
                    assertThat(e.key()).isEqualTo("evalunit.openai.api-key");
                })
                .hasMessage("evalunit.openai.api-key must be an API key without spaces but was \"(redacted)\" "
                        + "(from environment variable OPENAI_API_KEY)")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void typedGetterOnTheKeyRedactsToo() {
        ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of(), Map.of("OPENAI_API_KEY", KEY), null));

        assertThatThrownBy(() -> values.getInt("evalunit.openai.api-key", 0)).hasMessageNotContaining(SECRET_PART);
    }

    @Test
    void aPasswordInAnAddressIsShownNowhere() {
        ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of("evalunit.shared-limits.redis",
                "redis://:hunter2pw@redis.lab:6379"), Map.of(), null));

        assertThat(values.toString()).contains("redis://(redacted)@redis.lab:6379").doesNotContain("hunter2pw");
        assertThatThrownBy(() -> values.getInt("evalunit.shared-limits.redis", 0))
                .hasMessageContaining("redis://(redacted)@redis.lab:6379").hasMessageNotContaining("hunter2pw");
    }

    @Test
    void aPasswordWithASlashOrAnAtSignIsShownNowhereEither() {
        for (String address : java.util.List.of("redis://:pa/ss@redis.lab:6379", "redis://:p@ss@redis.lab:6379",
                "rediss://ops:w/x@y@redis.lab:6380/0")) {
            ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of("evalunit.shared-limits.redis", address),
                    Map.of(), null));

            assertThat(values.toString()).as(address).contains("(redacted)@redis.lab:63")
                    .doesNotContain("pa/ss").doesNotContain("p@ss").doesNotContain("ss@").doesNotContain("w/x");
            assertThatThrownBy(() -> values.getInt("evalunit.shared-limits.redis", 0)).as(address)
                    .hasMessageContaining("(redacted)@redis.lab:63").hasMessageNotContaining("ss@")
                    .hasMessageNotContaining("w/x");
        }
    }
}
