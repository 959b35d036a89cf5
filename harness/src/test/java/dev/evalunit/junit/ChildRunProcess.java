package dev.evalunit.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ChildRun} in a JVM of its own, on this JVM's class path (the test class path under
 * Surefire), so a test or benchmark can kill it, interrupt it or cap its heap. Its standard output is
 * read on a daemon thread, kept, and echoed to ours with a {@code [child <pid>]} prefix; its standard
 * error goes straight to ours.
 *
 * <pre>{@code
 * try (ChildRunProcess child = ChildRunProcess.start(List.of("-Xmx256m"), List.of(MySuiteTestCase.class),
 *         Map.of("evalunit.checkpoint.dir", dir.toString()), null)) {
 *     child.awaitStarted(Duration.ofSeconds(30));
 *     child.interrupt();                              // SIGINT, as Ctrl-C sends
 *     ChildRunProcess.Result result = child.await(Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class ChildRunProcess implements AutoCloseable {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Boolean> started = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private ChildRunProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "childrun-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java <jvmOptions> -cp <this class path> dev.evalunit.junit.ChildRun [--results FILE] CLASS...
     * KEY=VALUE...}. The child gets this JVM's {@code java.util.logging.config.file}, so its logging is
     * configured like ours, unless {@code jvmOptions} names one of its own.
     *
     * @param results where the child writes one line per finished test, or {@code null} for none
     */
    public static ChildRunProcess start(List<String> jvmOptions, List<Class<?>> classes, Map<String, String> parameters,
                                        Path results) throws IOException {
        List<String> arguments = new ArrayList<>();
        if (results != null) {
            arguments.add("--results");
            arguments.add(results.toString());
        }
        classes.forEach(c -> arguments.add(c.getName()));
        parameters.forEach((k, v) -> arguments.add(k + "=" + v));
        return start(jvmOptions, arguments);
    }

    /**
     * Starts a child with {@link ChildRun#main}'s arguments as they are. The child never gets an API key
     * from this environment ({@code OPENAI_API_KEY}, {@code EVALUNIT_OPENAI_API_KEY} and the base URL are
     * removed): without one given as a parameter, it runs on its built-in simulator, never against OpenAI.
     */
    public static ChildRunProcess start(List<String> jvmOptions, List<String> arguments) throws IOException {
        return start(jvmOptions, arguments, false);
    }

    /** As {@link #start(List, List)}; with {@code mergeErrors}, its standard error is read and kept as its output is. */
    public static ChildRunProcess start(List<String> jvmOptions, List<String> arguments, boolean mergeErrors)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String logging = System.getProperty("java.util.logging.config.file");
        boolean ownLogging = jvmOptions.stream().anyMatch(o -> o.startsWith("-Djava.util.logging.config.file="));
        if (logging != null && !ownLogging) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildRun.class.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (mergeErrors) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        for (String name : List.of("OPENAI_API_KEY", "EVALUNIT_OPENAI_API_KEY", "OPENAI_BASE_URL",
                "EVALUNIT_OPENAI_BASE_URL")) {
            builder.environment().remove(name);
        }
        return new ChildRunProcess(builder.start());
    }

    private void read() {
        String prefix = "[child " + process.pid() + "] ";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                System.out.println(prefix + line);
                if (line.startsWith(ChildRun.STARTED)) {
                    started.complete(true);
                }
            }
        } catch (IOException e) {
            // the child is gone; what it printed is kept
        } finally {
            started.complete(false);
            ended.complete(null);
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Waits until the child's tests start executing; false when it ended or the time ran out first. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        try {
            return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sends SIGINT, what Ctrl-C in a terminal sends (through {@code kill -INT}; Unix only). */
    public void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + process.pid() + " exited with " + kill.exitValue());
        }
    }

    /** Sends SIGKILL ({@link Process#destroyForcibly()}) and waits for the child to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * Waits for the child to exit and for its output to be read.
     *
     * @throws TimeoutException when it is still running after {@code timeout}; it is left running
     */
    public Result await(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("ChildRun " + process.pid() + " still runs after " + timeout);
        }
        try {
            ended.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return new Result(process.exitValue(), summary(), List.copyOf(output));
    }

    /** The lines the child printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    /** The last summary line the child printed, if any. */
    public Optional<ChildRun.Summary> summary() {
        for (int i = output.size() - 1; i >= 0; i--) {
            Optional<ChildRun.Summary> summary = ChildRun.Summary.parse(output.get(i));
            if (summary.isPresent()) {
                return summary;
            }
        }
        return Optional.empty();
    }

    /** Kills the child if it still runs, without waiting for it to be gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /**
     * How a child ended.
     *
     * @param exitCode its exit status: 0, 1 or 2 as {@link ChildRun} says, 137 after SIGKILL, 130 after an
     *                 unhandled SIGINT
     * @param summary  its summary line; empty when it printed none (killed with SIGKILL)
     * @param output   every line it printed on standard output
     */
    public record Result(int exitCode, Optional<ChildRun.Summary> summary, List<String> output) {
    }
}
