package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointOptionsTests {

    @Test
    void defaults() {
        CheckpointOptions options = CheckpointOptions.from(EvalConfig.defaults());

        // the harness module's tests run in harness/, whose parent holds the root pom
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(options).isEqualTo(new CheckpointOptions(root.resolve("benchmark-state"), 1, FsyncPolicy.ON_CLOSE, false));
    }

    @Test
    void readsEveryKey() {
        CheckpointOptions options = CheckpointOptions.from(config(Map.of(
                "evalunit.checkpoint.dir", "/tmp/state",
                "evalunit.checkpoint.flush-every", "1_000",
                "evalunit.checkpoint.fsync", "every-flush",
                "evalunit.fresh", "true")));

        assertThat(options).isEqualTo(new CheckpointOptions(Path.of("/tmp/state"), 1000, FsyncPolicy.EVERY_FLUSH, true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "never       | NEVER",
            "close       | ON_CLOSE",
            "Every-Flush | EVERY_FLUSH"})
    void fsyncPolicies(String written, FsyncPolicy policy) {
        assertThat(CheckpointOptions.from(config(Map.of("evalunit.checkpoint.fsync", written))).fsync()).isEqualTo(policy);
        assertThat(FsyncPolicy.parse(policy.configName())).isEqualTo(policy);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "evalunit.checkpoint.flush-every | 0        | a whole number > 0",
            "evalunit.checkpoint.flush-every | -3       | a whole number > 0",
            "evalunit.checkpoint.flush-every | often    | a whole number > 0",
            "evalunit.checkpoint.fsync       | always   | one of never, close, every-flush",
            "evalunit.fresh                  | yes      | true or false"})
    void badValuesNameTheKey(String key, String value, String allowed) {
        assertThatThrownBy(() -> CheckpointOptions.from(config(Map.of(key, value))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(key + " must be " + allowed + " but was \"" + value + "\" (from system property -D" + key + ")");
    }

    @Test
    void builtInCodeIsCheckedToo() {
        assertThatThrownBy(() -> new CheckpointOptions(Path.of("x"), 0, FsyncPolicy.NEVER, false))
                .hasMessage("flushEvery must be > 0 but was 0");
    }

    private static EvalConfig config(Map<String, String> systemProperties) {
        return EvalConfig.load(ConfigSources.of(systemProperties, Map.of(), null));
    }
}
