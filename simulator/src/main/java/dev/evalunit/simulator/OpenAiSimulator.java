package dev.evalunit.simulator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An in-process OpenAI-compatible server on a loopback port, built on WireMock: chat completions
 * with latency, per-model RPM/TPM limits with OpenAI's {@code x-ratelimit-*} headers and 429 bodies,
 * an {@code insufficient_quota} mode, scripted failures and seeded fault injection; and the Files and
 * Batch APIs, whose batches validate, run, finalize, fail, expire and cancel on the simulator's clock
 * as {@link BatchOptions} say. Tests use it, and so does a run without an API key.
 *
 * <p>The same server speaks Anthropic's Messages API at {@link #anthropicBaseUrl()} ({@code POST /v1/messages}
 * and the Message Batches API), answered by the same {@link Answerer}, with Anthropic's three per-model limits and
 * {@code anthropic-ratelimit-*} headers, its error bodies (429 {@code rate_limit_error}, 529
 * {@code overloaded_error}, a too-low credit balance) and its validation:
 *
 * <pre>{@code
 * AnthropicClient claude = AnthropicOkHttpClient.builder().baseUrl(simulator.anthropicBaseUrl()).apiKey("sk-ant-sim")
 *         .build();
 * }</pre>
 *
 * <pre>{@code
 * try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
 *         .latency(Latency.fixed(Duration.ofMillis(200))).requestsPerMinute(600).build())) {
 *     client = OpenAIOkHttpClient.builder().baseUrl(simulator.baseUrl()).apiKey("sk-sim").build();
 * }
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from any thread while requests are in flight. Delays
 * are served by WireMock's scheduler, not by sleeping server threads, so hundreds of slow requests
 * can be in flight at once; the server accepts at least 256 concurrent connections.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class OpenAiSimulator implements AutoCloseable {

    // Jetty needs a few threads for acceptors and selectors on top of the ones serving requests.
    private static final int CONTAINER_THREADS = 300;
    private static final int DELAY_THREADS = 8;
    /**
     * Jetty's and WireMock's start-up chatter (they log through SLF4J to java.util.logging) is not a run's
     * news: their loggers warn only, unless the user's logging configuration sets their levels. Held here so
     * the levels are not lost with a collected logger.
     */
    private static final List<java.util.logging.Logger> QUIET = quiet("org.eclipse.jetty", "org.wiremock", "wiremock",
            "com.github.tomakehurst");

    private final WireMockServer server;
    private final SimulatorState state;

    private OpenAiSimulator(WireMockServer server, SimulatorState state) {
        this.server = server;
        this.state = state;
    }

    /** Starts a simulator with {@link SimulatorOptions#defaults()} on a free loopback port. */
    public static OpenAiSimulator start() {
        return start(SimulatorOptions.defaults());
    }

    /** Starts a simulator on a free loopback port. */
    public static OpenAiSimulator start(SimulatorOptions options) {
        return start(options, 0);
    }

    private static List<java.util.logging.Logger> quiet(String... names) {
        List<java.util.logging.Logger> loggers = new ArrayList<>();
        java.util.logging.LogManager manager = java.util.logging.LogManager.getLogManager();
        for (String name : names) {
            if (manager.getProperty(name + ".level") == null) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                logger.setLevel(java.util.logging.Level.WARNING);
                loggers.add(logger);
            }
        }
        return List.copyOf(loggers);
    }

    /** Starts a simulator on the given loopback port, or a free one when {@code port} is 0. */
    public static OpenAiSimulator start(SimulatorOptions options, int port) {
        Objects.requireNonNull(options, "options");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
        }
        SimulatorState state = new SimulatorState(options);
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(port)
                .disableRequestJournal()
                .containerThreads(CONTAINER_THREADS)
                // one thread accepts (clients pool their connections); more than the cores makes Jetty warn
                .jettyAcceptors(1)
                .jettyAcceptQueueSize(1024)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(DELAY_THREADS)
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)
                .gzipDisabled(true)
                .templatingEnabled(false)
                .stubRequestLoggingDisabled(true)
                .notifier(SILENT)
                .extensions(new SimulatorRouter(state)));
        server.start();
        // One catch-all stub; the router replaces its response with the real one.
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
        return new OpenAiSimulator(server, state);
    }

    /** The base URL a client needs, e.g. {@code http://127.0.0.1:54321/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /**
     * The base URL an Anthropic client needs, the server's root, e.g. {@code http://127.0.0.1:54321}: Anthropic's
     * clients add {@code /v1/messages} themselves.
     */
    public String anthropicBaseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.port();
    }

    /** The options in force now. */
    public SimulatorOptions options() {
        return state.options();
    }

    /**
     * Applies new options to the requests that arrive from now on. The rate-limit buckets start over
     * (full) when the limits, burst or clock change, and the fault sequence restarts when the fault
     * seed changes; everything else carries on.
     */
    public void reconfigure(SimulatorOptions options) {
        state.reconfigure(Objects.requireNonNull(options, "options"));
    }

    /** What the simulator has received. */
    public RequestLog requests() {
        return state.log();
    }

    /**
     * Every batch created since the start or the last {@link #reset()}, oldest first, as it is now on the
     * simulator's clock. Looking is what moves a batch on, as a retrieve does: a batch that has ended
     * writes its output and error files on the first look.
     */
    public List<SimulatedBatch> batches() {
        long now = state.options().nanoTime().getAsLong();
        List<SimulatedBatch> batches = new ArrayList<>();
        for (SimBatch batch : state.batches().oldestFirst()) {
            batches.add(batch.at(now).view());
        }
        return batches;
    }

    /** Every file held now (uploads, and the output and error files of ended batches), oldest first. */
    public List<SimulatedFile> files() {
        List<SimulatedFile> files = new ArrayList<>();
        for (FileStore.StoredFile file : state.files().all()) {
            files.add(file.view());
        }
        return files;
    }

    /**
     * Clears the request log, the rate-limit buckets (OpenAI's and Anthropic's), the answer counter, any scripted
     * failures, and every file, batch and message batch.
     */
    public void reset() {
        state.reset();
    }

    /**
     * Makes the next {@code count} chat requests (after validation, before rate limiting) fail with
     * {@code status} and an OpenAI error body of the given {@code code}, such as {@code server_error},
     * {@code rate_limit_exceeded} (with {@code retry-after-ms: 100} unless {@link SimulatorOptions#retryAfter()} is
     * off), {@code insufficient_quota}, or
     * {@code null}. Calls queue up in order.
     *
     * <p>Requests to Anthropic's {@code POST /v1/messages} take from the same queue, and fail with Anthropic's
     * error body: of type {@code code} when it is one of Anthropic's ({@code failNext(1, 529, "overloaded_error")}),
     * else of the type Anthropic sends with {@code status} (429 {@code rate_limit_error} with {@code retry-after: 1},
     * 500 {@code api_error}, ...); {@code insufficient_quota} is Anthropic's too-low credit balance.
     */
    public void failNext(int count, int status, String code) {
        failNext(count, status, code, Map.of());
    }

    /**
     * As {@link #failNext(int, int, String)}, each response also carrying {@code headers}, such as
     * {@code x-ratelimit-reset-requests: 17h2m3s} on a 429.
     */
    public void failNext(int count, int status, String code, Map<String, String> headers) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100..599) but was " + status);
        }
        state.failNext(count, status, code, headers);
    }

    /** Stops the server; requests in flight are cut off. */
    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "OpenAiSimulator[" + baseUrl() + "]";
    }

    // WireMock's console notifier would print per request; the simulator stays quiet.
    private static final Notifier SILENT = new Notifier() {
        @Override
        public void info(String message) {
        }

        @Override
        public void error(String message) {
        }

        @Override
        public void error(String message, Throwable t) {
        }
    };
}
