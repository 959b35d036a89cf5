package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValuesTests {

    private static ConfigValues props(Map<String, String> props) {
        return ConfigValues.read(ConfigSources.of(props, Map.of(), null));
    }

    @Test
    void typedGettersReadExtraKeysWithDefaults() {
        ConfigValues values = props(Map.of(
                "evalunit.checkpoint.flush-every", "50",
                "evalunit.checkpoint.max-bytes", "10_000_000_000",
                "evalunit.report.threshold", "0.75",
                "evalunit.checkpoint.enabled", "TRUE",
                "evalunit.checkpoint.interval", "1.5s"));

        assertThat(values.getInt("evalunit.checkpoint.flush-every", 1)).isEqualTo(50);
        assertThat(values.getLong("evalunit.checkpoint.max-bytes", 1)).isEqualTo(10_000_000_000L);
        assertThat(values.getDouble("evalunit.report.threshold", 1)).isEqualTo(0.75);
        assertThat(values.getBoolean("evalunit.checkpoint.enabled", false)).isTrue();
        assertThat(values.getDuration("evalunit.checkpoint.interval", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(values.getInt("evalunit.absent", 7)).isEqualTo(7);
        assertThat(values.get("evalunit.absent")).isEmpty();
        assertThat(values.origin("evalunit.absent")).isEqualTo("default");
        assertThat(values.get("evalunit.retry.max-attempts")).as("registered defaults are values too").contains("6");
    }

    @Test
    void typedGettersFailWithTheFullMessage() {
        ConfigValues values = props(Map.of("evalunit.x.count", "ten", "evalunit.x.flag", "yes",
                "evalunit.x.ratio", "1/2", "evalunit.x.wait", "5", "evalunit.x.big", "3000000000"));

        assertThatThrownBy(() -> values.getInt("evalunit.x.count", 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("evalunit.x.count must be a whole number but was \"ten\" (from system property -Devalunit.x.count)");
        assertThatThrownBy(() -> values.getInt("evalunit.x.big", 0)).hasMessageContaining("must be a whole number");
        assertThatThrownBy(() -> values.getBoolean("evalunit.x.flag", false))
                .hasMessage("evalunit.x.flag must be true or false but was \"yes\" (from system property -Devalunit.x.flag)");
        assertThatThrownBy(() -> values.getDouble("evalunit.x.ratio", 0))
                .hasMessageStartingWith("evalunit.x.ratio must be a number but was \"1/2\"");
        assertThatThrownBy(() -> values.getDuration("evalunit.x.wait", Duration.ZERO))
                .hasMessage("evalunit.x.wait must be a duration such as 500ms, 30s, 6m0s, 1h or PT30S but was \"5\" "
                        + "(from system property -Devalunit.x.wait)");
    }

    @Test
    void keysListsSetAndDefaultedKeys() {
        ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of("evalunit.extra", "1"),
                Map.of("EVALUNIT_RATE_LIMIT_RPM", "5", "EVALUNIT_UNREGISTERED", "x"), null));

        assertThat(values.keys()).contains("evalunit.extra", "evalunit.rate-limit.rpm", "evalunit.model")
                .doesNotContain("evalunit.openai.api-key")
                ;
        assertThat(List.copyOf(values.keys())).isSorted();
    }

    @Test
    void warnsAboutLikelyTyposWithTheClosestKnownKey() {
        ConfigValues values = ConfigValues.read(ConfigSources.of(
                Map.of("evalunit.rate-limit.rmp", "5",
                        "evalunit.retry.max-attempt", "3",
                        "evalunit.models.gpt-4o.rmp", "5",
                        "evalunit.checkpoint.dir", "state"),
                Map.of("EVALUNIT_BATCH_TRESHOLD", "5"), null));

        assertThat(values.warnings()).containsExactly(
                "unknown setting evalunit.models.gpt-4o.rmp is ignored; evalunit.models.<model>. takes rpm, tpm, "
                        + "max-concurrency, context-window; did you mean evalunit.models.gpt-4o.rpm? (from system property -Devalunit.models.gpt-4o.rmp)",
                "unknown setting evalunit.rate-limit.rmp is ignored; did you mean evalunit.rate-limit.rpm? "
                        + "(from system property -Devalunit.rate-limit.rmp)",
                "unknown setting evalunit.retry.max-attempt is ignored; did you mean evalunit.retry.max-attempts? "
                        + "(from system property -Devalunit.retry.max-attempt)",
                "unknown setting EVALUNIT_BATCH_TRESHOLD is ignored; did you mean EVALUNIT_BATCH_THRESHOLD? "
                        + "(from environment variable EVALUNIT_BATCH_TRESHOLD)");
    }

    @Test
    void anUnknownSettingFailsTheLoadNamingTheKeyMeantAndWhereItCameFrom() {
        ConfigSources sources = ConfigSources.of(Map.of("evalunit.questions", "tqa-0001", "evalunit.frobnicate", "1"),
                Map.of(), null);

        assertThatThrownBy(() -> EvalConfig.load(sources))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting evalunit.frobnicate (the README's Configuration table lists them) "
                        + "(from system property -Devalunit.frobnicate)")
                .hasMessageContaining("unknown setting evalunit.questions; did you mean evalunit.question? "
                        + "(from system property -Devalunit.questions)")
                .hasMessageContaining("Nothing was sent")
                .hasMessageContaining("evalunit.config.lenient=true")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("evalunit.frobnicate"));
    }

    @Test
    void withLeniencyUnknownSettingsAreIgnored() {
        EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of("evalunit.rate-limit.rmp", "5",
                "evalunit.config.lenient", "true"), Map.of(), null));

        assertThat(config.rateLimit().requestsPerMinute()).isEmpty();
    }

    @Test
    void registryDerivesEnvironmentNamesAndPerModelKeys() {
        assertThat(ConfigKeys.isKnown("evalunit.models.gpt-4.1-mini.max-concurrency")).isTrue();
        assertThat(ConfigKeys.isKnown("evalunit.prices.gpt-4o.cached-input")).isTrue();
        assertThat(ConfigKeys.isKnown("evalunit.models.gpt-4o.cost")).isFalse();
        assertThat(ConfigKeys.modelOf("evalunit.models.gpt-4.1-mini.rpm", ConfigKeys.MODELS_PREFIX)).contains("gpt-4.1-mini");
        assertThat(ConfigKeys.find("evalunit.openai.api-key").orElseThrow().envAlias()).isEqualTo("OPENAI_API_KEY");
        assertThat(ConfigKeys.isSecret("evalunit.openai.api-key")).isTrue();
        assertThat(ConfigKeys.isSecret("evalunit.rate-limit.tpm")).isFalse();
    }
}
