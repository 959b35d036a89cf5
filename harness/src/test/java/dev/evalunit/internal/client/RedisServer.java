package dev.evalunit.internal.client;

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
    private final Path ca;

    private RedisServer(Process process, int port, Path ca) {
        this.process = process;
        this.port = port;
        this.ca = ca;
    }

    /** The certificate of the CA that signed a TLS server's, or {@code null} for a plain one. */
    public Path ca() {
        return ca;
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
        return start(port, List.of("--port", String.valueOf(port)), null);
    }

    /**
     * A server that speaks TLS only and asks for {@code password}: its certificate (for 127.0.0.1) is signed by
     * a CA made in {@code dir} with {@code openssl}, whose certificate {@link #ca()} is.
     */
    public static RedisServer startTls(Path dir, String password) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "no /usr/bin/openssl on this machine (Debian's package openssl; .ci/run installs it)");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days",
                "1", "-subj", "/CN=evalunit test CA");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "1", "-extfile", "san.cnf");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        return start(port, List.of("--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", dir.resolve("server.pem").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.pem").toString(), "--tls-auth-clients", "no",
                "--requirepass", password), dir.resolve("ca.pem"));
    }

    private static void openssl(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", arguments) + " failed: " + output);
        }
    }

    private static RedisServer start(int port, List<String> listen, Path ca) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(binary().toString()));
        command.addAll(listen);
        command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
                return new RedisServer(process, port, ca);
            }
        }
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IOException("redis-server did not start on port " + port);
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} for a TLS server (no password). */
    public String url() {
        return (ca == null ? "redis" : "rediss") + "://127.0.0.1:" + port;
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
