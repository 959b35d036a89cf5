package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code evalunit.models}, the models a run compares: read in the order given, refused with the key named when an
 * entry is empty, has spaces or is listed twice, and known beside the per-model keys {@code evalunit.models.<model>.*}.
 */
class ModelListTests {

    @Test
    void modelsAreReadInTheOrderGivenWithSpacesAroundThemStripped() {
        EvalConfig config = EvalConfig.load(ConfigSources.of(
                Map.of("evalunit.models", " gpt-4o-mini , anthropic:claude-haiku-4-5,gpt-4.1-nano"), Map.of(), null));

        assertThat(config.models()).containsExactly("gpt-4o-mini", "anthropic:claude-haiku-4-5", "gpt-4.1-nano");
        assertThat(config.defaultModel()).as("evalunit.model is unchanged").isEqualTo("gpt-4o-mini");
    }

    @Test
    void unsetMeansNoList() {
        assertThat(EvalConfig.defaults().models()).isEmpty();
        assertThat(EvalConfig.load(ConfigSources.of(Map.of("evalunit.models", "  "), Map.of(), null)).models())
                .as("a blank value counts as not set").isEmpty();
    }

    @Test
    void theEnvironmentVariableSetsItToo() {
        assertThat(EvalConfig.load(ConfigSources.of(Map.of(), Map.of("EVALUNIT_MODELS", "a,b"), null)).models())
                .containsExactly("a", "b");
    }

    @Test
    void aDuplicateIsRefusedNamingTheKeyAndTheModel() {
        assertThatThrownBy(() -> load("gpt-4o-mini,gpt-4.1-nano,gpt-4o-mini"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("evalunit.models"))
                .hasMessage("evalunit.models lists gpt-4o-mini twice; each model is compared once in "
                        + "\"gpt-4o-mini,gpt-4.1-nano,gpt-4o-mini\": list model names separated by commas, such as "
                        + "gpt-4o-mini,gpt-4.1-nano (from system property -Devalunit.models)");
    }

    @Test
    void anEmptyEntryIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("gpt-4o-mini,,gpt-4.1-nano"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("evalunit.models"))
                .hasMessage("evalunit.models has an empty entry (entry 2 of 3) in \"gpt-4o-mini,,gpt-4.1-nano\": list "
                        + "model names separated by commas, such as gpt-4o-mini,gpt-4.1-nano (from system property "
                        + "-Devalunit.models)");
        assertThatThrownBy(() -> load("gpt-4o-mini,")).hasMessageStartingWith(
                "evalunit.models has an empty entry (entry 2 of 2)");
    }

    @Test
    void aNameWithSpacesIsRefused() {
        assertThatThrownBy(() -> load("gpt 4o,gpt-4.1-nano"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.models names \"gpt 4o\", a model name with spaces");
    }

    @Test
    void theListAndPerModelSettingsAreBothKnownAndBothWork() {
        EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(
                "evalunit.models", "gpt-4o,gpt-4.1-mini",
                "evalunit.models.gpt-4o.rpm", "5000",
                "evalunit.rate-limit.rpm", "100"), Map.of(), null));

        assertThat(config.models()).containsExactly("gpt-4o", "gpt-4.1-mini");
        assertThat(config.rateLimitFor("gpt-4o").requestsPerMinute()).isEqualTo(OptionalLong.of(5000));
        assertThat(config.values().warnings()).as("neither is taken for a typo").isEmpty();
        assertThat(ConfigKeys.isKnown("evalunit.models")).isTrue();
        assertThat(ConfigKeys.isKnown("evalunit.models.gpt-4o.rpm")).isTrue();
        assertThat(ConfigKeys.isKnown("evalunit.models.gpt-4o.rmp")).as("a misspelt per-model setting").isFalse();
    }

    @Test
    void aMisspeltListKeyIsStillCaughtAsATypo() {
        assertThatThrownBy(() -> EvalConfig.load(ConfigSources.of(Map.of("evalunit.modles", "a,b"), Map.of(), null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean evalunit.model");
    }

    private static EvalConfig load(String models) {
        return EvalConfig.load(ConfigSources.of(Map.of("evalunit.models", models), Map.of(), null));
    }
}
