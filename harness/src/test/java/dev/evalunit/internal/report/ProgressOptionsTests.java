package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressOptionsTests {

    @Test
    void defaultsAreAutoEveryTenSeconds() {
        ProgressOptions options = ProgressOptions.from(EvalConfig.defaults());

        assertThat(options.mode()).isEqualTo(ProgressMode.AUTO);
        assertThat(options.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.out()).isSameAs(System.out);
        assertThat(options.ticker()).isTrue();
    }

    @Test
    void readsModeAndInterval() {
        ProgressOptions options = ProgressOptions.from(load(Map.of("evalunit.progress", "Plain",
                "evalunit.progress.interval", "1m30s")));

        assertThat(options.mode()).isEqualTo(ProgressMode.PLAIN);
        assertThat(options.interval()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void readsTheEnvironmentForm() {
        EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(), Map.of("EVALUNIT_PROGRESS", "off"), null));

        assertThat(ProgressOptions.from(config).mode()).isEqualTo(ProgressMode.OFF);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "evalunit.progress          | fancy | one of auto, bar, plain, off",
            "evalunit.progress.interval | 0s    | a duration > 0 such as 500ms, 30s, 6m0s, 1h or PT30S",
            "evalunit.progress.interval | 10    | a duration > 0 such as 500ms, 30s, 6m0s, 1h or PT30S",
    })
    void badValuesNameTheKey(String key, String value, String allowed) {
        EvalConfig config = load(Map.of(key, value));

        assertThatThrownBy(() -> ProgressOptions.from(config))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessage(key + " must be " + allowed + " but was \"" + value + "\" (from system property -D" + key + ")");
    }

    @Test
    void intervalBuiltInCodeMustBePositive() {
        assertThatThrownBy(() -> ProgressOptions.defaults().withInterval(Duration.ZERO))
                .hasMessage("interval must be > 0 but was 0s");
    }

    private static EvalConfig load(Map<String, String> systemProperties) {
        return EvalConfig.load(ConfigSources.of(systemProperties, Map.of(), null));
    }
}
