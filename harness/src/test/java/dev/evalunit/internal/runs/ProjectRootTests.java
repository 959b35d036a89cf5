package dev.evalunit.internal.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectRootTests {

    @TempDir
    Path tmp;

    private Path project(String relative) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(relative));
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        return dir;
    }

    @Test
    void aModuleBelongsToTheTopOfItsChainOfPoms() throws IOException {
        Path root = project("app");
        project("app/parent");
        Path module = project("app/parent/module");

        assertThat(ProjectRoot.of(module)).isEqualTo(root);
        assertThat(ProjectRoot.of(root)).isEqualTo(root);
    }

    @Test
    void stopsAtAGitOrMvnDirectoryEvenWhenAParentHoldsAPom() throws IOException {
        project("outer");
        Path inner = project("outer/inner");
        Files.createDirectory(inner.resolve(".mvn"));
        Path module = project("outer/inner/module");
        Path other = project("outer/other");
        Files.createDirectory(other.resolve(".git"));

        assertThat(ProjectRoot.of(module)).isEqualTo(inner);
        assertThat(ProjectRoot.of(other)).isEqualTo(other);
    }

    @Test
    void aDirectoryWithoutAPomIsItsOwnRoot() throws IOException {
        project("app");
        Path plain = Files.createDirectories(tmp.resolve("app/scripts"));

        assertThat(ProjectRoot.of(plain)).isEqualTo(plain);
    }
}
