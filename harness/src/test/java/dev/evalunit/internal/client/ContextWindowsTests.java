package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContextWindowsTests {

    private static ContextWindows with(Map<String, String> properties) {
        return ContextWindows.from(ConfigValues.read(ConfigSources.of(properties, Map.of(), null)));
    }

    @Test
    void knownModelsAndTheirSnapshotsHaveAWindowAndASettingChangesOrAddsOne() {
        ContextWindows windows = with(Map.of("evalunit.models.gpt-4o-mini.context-window", "64_000",
                "evalunit.models.my-finetune.context-window", "8192"));

        assertThat(windows.of("gpt-4o")).hasValue(128_000);
        assertThat(windows.of("gpt-4.1-mini-2025-04-14")).as("the longest known name it starts with").hasValue(1_047_576);
        assertThat(windows.of("gpt-4o-mini")).hasValue(64_000);
        assertThat(windows.of("gpt-4o-mini-2024-07-18")).hasValue(64_000);
        assertThat(windows.of("my-finetune")).hasValue(8_192);
        assertThat(windows.of("llama-3-70b")).isEqualTo(OptionalInt.empty());
    }

    @Test
    void aWindowThatIsNotAPositiveNumberNamesItsKey() {
        assertThatThrownBy(() -> with(Map.of("evalunit.models.gpt-4o.context-window", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.models.gpt-4o.context-window must be a whole number > 0 (tokens)");
    }
}
