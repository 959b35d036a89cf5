package dev.evalunit.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Allure command line that allure-maven installs (the same version, unpacked by the build into
 * {@code target/allure-cli}), for tests that generate a report the way {@code -Preport} does.
 */
final class AllureCli {

    private AllureCli() {
    }

    static Path executable() {
        String path = System.getProperty("evalunit.allure.cli");
        Assumptions.assumeTrue(path != null && Files.isRegularFile(Path.of(path)),
                "the Allure command line is unpacked by `mvn test` (maven-dependency-plugin); run the tests with Maven");
        return Path.of(path);
    }

    /** {@code allure generate results -o report --clean [--single-file]}; fails with Allure's output. */
    static void generate(Path results, Path report, boolean singleFile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", executable().toString(), "generate",
                results.toString(), "-o", report.toString(), "--clean"));
        if (singleFile) {
            command.add("--single-file");
        }
        Path log = Files.createTempFile("allure-generate", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished && process.exitValue() == 0).as("allure generate: %s", Files.readString(log)).isTrue();
        assertThat(report.resolve("index.html")).exists();
    }
}
