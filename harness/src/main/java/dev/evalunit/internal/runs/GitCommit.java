package dev.evalunit.internal.runs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The git commit of the project a run ran in, asked of {@code git} itself (it knows worktrees, packed refs and
 * detached heads); nothing when git is not installed or the project is not in a work tree. Stateless.
 */
final class GitCommit {

    private GitCommit() {
    }

    /** The project's directory with its commit and whether its work tree had changes, or without them. */
    static RunManifest.Project of(Path projectRoot) {
        Optional<String> commit = git(projectRoot, "rev-parse", "HEAD");
        Optional<String> status = commit.isPresent() ? git(projectRoot, "status", "--porcelain", "--untracked-files=no")
                : Optional.empty();
        return new RunManifest.Project(projectRoot.toString(), commit.orElse(null),
                status.map(s -> !s.isBlank()).orElse(null));
    }

    private static Optional<String> git(Path dir, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(arguments));
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Optional.empty();
            }
            return git.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException notInstalled) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
