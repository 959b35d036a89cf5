package dev.evalunit.samples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project that {@code mvn verify} builds (src/it/own-project) is the README's "Use in your own project"
 * word for word: its pom is the setup block, its reader and suite the README's, so what the README shows
 * is what was built and run.
 */
class OwnProjectReadmeTests {

    private static final Path PROJECT = Path.of("src", "it", "own-project");

    @ParameterizedTest
    @ValueSource(strings = {"pom.xml", "src/test/java/org/example/Capital.java",
            "src/test/java/org/example/CapitalsBenchmark.java"})
    void theReadmeShowsTheFileAsItIs(String file) throws IOException {
        assertThat(section()).as("README, Use in your own project").contains(Files.readString(PROJECT.resolve(file)).strip());
    }

    /** The project with a parent of its own: its pom's evalunit part is the README's second block. */
    @Test
    void theReadmeShowsHowAProjectWithItsOwnParentImportsTheVersions() throws IOException {
        String pom = Files.readString(Path.of("src", "it", "own-parent", "pom.xml"));
        String block = pom.substring(pom.indexOf("  <dependencyManagement>"),
                pom.indexOf("      <artifactId>evalunit-harness</artifactId>\n    </dependency>")
                        + "      <artifactId>evalunit-harness</artifactId>\n    </dependency>".length());

        assertThat(section()).contains(block);
    }

    private static String section() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        return readme.substring(readme.indexOf("## Use in your own project"), readme.indexOf("## Writing a benchmark"));
    }
}
