package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README is what users read; it must list every registered key with its default. */
class ConfigKeysDocumentationTests {

    @Test
    void everyRegisteredKeyIsDocumentedWithItsDefault() throws IOException {
        // Surefire runs in the module directory.
        String doc = Files.readString(Path.of("..", "README.md"));

        for (ConfigKeys.Key key : ConfigKeys.all()) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + key.name() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(key.name() + " has no row in the README"));
            if (key.defaultValue() != null) {
                assertThat(row).as(key.name()).contains("`" + key.defaultValue() + "`");
            }
        }
    }

    @Test
    void theConfigurationSectionSaysWhatAMisspeltKeyDoesAndItDoesIt() throws IOException {
        String doc = Files.readString(Path.of("..", "README.md"));
        String section = doc.substring(doc.indexOf("## Configuration"), doc.indexOf("### Where values come from"));

        assertThat(section).contains("fails the run before\nanything is sent").doesNotContain("do not stop the run");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EvalConfig.load(ConfigSources.of(
                        java.util.Map.of("evalunit.rate-limit.rmp", "500"), java.util.Map.of(), null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("evalunit.rate-limit.rpm");
    }

    @Test
    void builtInPriceTableIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "README.md"));

        assertThat(doc).contains(PriceTable.DEFAULTS_AS_OF);
        PriceTable.defaults().prices().forEach((model, price) ->
                assertThat(doc).as(model).containsPattern("\\| " + Pattern.quote(model) + " \\| "));
    }
}
