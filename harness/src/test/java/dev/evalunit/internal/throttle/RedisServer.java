package dev.evalunit.internal.throttle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it) on a free loopback port, for
 * the tests of shared limits; stopped on close.
 */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The binary, or {@code null} when this machine has none. */
    public static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * {@link #start()}, or skips the calling test (class) with a message naming Debian's package when this
     * machine has no {@code redis-server}; CI always has it.
     */
    public static RedisServer startOrSkip() throws IOException, InterruptedException {
        Assumptions.assumeTrue(binary() != null,
                "no redis-server on this machine's PATH (Debian's package redis-server; .ci/run installs it)");
        return start();
    }

    public static RedisServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        return start(port);
    }

    /** A server on {@code port}, e.g. one started again after an outage. */
    public static RedisServer start(int port) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(binary().toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.contains("Ready to accept connections")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException closed) {
                        // the server stopped
                    }
                }, "redis-server-output");
                drain.setDaemon(true);
                drain.start();
                return new RedisServer(process, port);
            }
        }
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IOException("redis-server did not start on port " + port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server, as an outage would. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
