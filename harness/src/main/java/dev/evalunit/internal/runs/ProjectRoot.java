package dev.evalunit.internal.runs;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * The top directory of the Maven build a run belongs to, where {@code benchmark-state/} lives.
 * Surefire runs each module's tests in the module's own directory; a multi-module project's state
 * belongs at its root, so that every module shares it and {@code mvn clean} leaves it alone.
 */
@API(status = INTERNAL, since = "0.1")
public final class ProjectRoot {

    private ProjectRoot() {
    }

    /** The project root of the working directory. */
    public static Path current() {
        return of(Path.of("").toAbsolutePath());
    }

    /**
     * The highest directory reached from {@code start} by climbing while the parent also holds a
     * {@code pom.xml}, stopping early at a directory that holds {@code .mvn} or {@code .git} (Maven's own
     * markers of a root). A directory without a {@code pom.xml} is its own root.
     */
    public static Path of(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            return dir;
        }
        while (!isMarkedRoot(dir) && dir.getParent() != null && Files.isRegularFile(dir.getParent().resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    private static boolean isMarkedRoot(Path dir) {
        return Files.isDirectory(dir.resolve(".mvn")) || Files.exists(dir.resolve(".git"));
    }
}
