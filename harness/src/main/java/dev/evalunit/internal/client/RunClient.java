package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.client.ClientListener;
import dev.evalunit.client.ClientMetrics;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The client of one run: against OpenAI (or {@code evalunit.openai.base-url}) and Anthropic when an API key
 * is configured, otherwise against the built-in simulator, which answers both providers' models, started on a
 * loopback port and announced in one line, so nobody mistakes simulated answers for a model's. A run is either
 * simulated or live as a whole: with one provider's key and not the other's, the other's models fail as
 * unauthenticated. Closing it closes both.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunClient implements OpenAiClient {

    private static final System.Logger LOG = System.getLogger(RunClient.class.getName());

    /** The key the simulator is sent; it accepts any key, and this one is not secret. */
    static final String SIMULATOR_KEY = "sk-simulator";

    /**
     * The built-in simulator, in module {@code evalunit-simulator}: a runtime dependency of the harness, found by
     * name so that the harness never compiles against it. Its public no-argument constructor starts it; as a
     * {@code Supplier<URI>} it gives its base URL; as an {@code AutoCloseable} it stops.
     */
    static final String BUILT_IN_SIMULATOR = "dev.evalunit.simulator.BuiltInSimulator";

    private final ThrottledClient client;
    private final AutoCloseable simulator;
    /** The simulator's root, where it answers Anthropic's routes; {@code null} for a live run. */
    private final URI simulatorRoot;

    private RunClient(ThrottledClient client, AutoCloseable simulator, URI simulatorRoot) {
        this.client = client;
        this.simulator = simulator;
        this.simulatorRoot = simulatorRoot;
    }

    /** Opens the run's client, starting the simulator when the configuration has no API key. */
    public static RunClient open(EvalConfig config, ClientListener... listeners) {
        AutoCloseable simulator = null;
        EvalConfig effective = config;
        ThrottledClient.Builder builder;
        URI simulatorRoot = null;
        if (!config.openai().hasApiKey() && Providers.anthropicKey(config).isEmpty()) {
            simulator = startSimulator();
            @SuppressWarnings("unchecked")
            URI baseUrl = ((Supplier<URI>) simulator).get();
            effective = config.withOpenAI(config.openai().withApiKey(SIMULATOR_KEY).withBaseUrl(baseUrl));
            String line = "evalunit: no API key (OPENAI_API_KEY, ANTHROPIC_API_KEY) is set, so answers are SIMULATED "
                    + "by the built-in simulator at " + baseUrl + " (OpenAI's and Anthropic's models alike), not "
                    + "produced by a model";
            System.err.println(line);
            LOG.log(System.Logger.Level.DEBUG, line); // printed above, once, for people; logged for files
            // Anthropic's routes are on the same server, at its root: anthropic-java adds /v1/messages
            simulatorRoot = URI.create(baseUrl.resolve("/").toString().replaceAll("/+$", ""));
            URI root = simulatorRoot;
            builder = ThrottledClient.builder(effective).simulator(() -> root);
        } else {
            // A run with any key is live: a provider without one fails its models, it is never simulated beside a live one
            builder = ThrottledClient.builder(effective);
        }
        for (ClientListener listener : listeners) {
            builder.listener(listener);
        }
        try {
            return new RunClient(builder.build(), simulator, simulatorRoot);
        } catch (RuntimeException e) {
            stop(simulator);
            throw e;
        }
    }

    /** The client underneath, with what only the harness reads (budget, stops, throttles). */
    public ThrottledClient client() {
        return client;
    }

    /**
     * Where the run asks Anthropic's models, real time and Message Batches alike: the configured endpoint and key,
     * or the simulator's root when the run is simulated.
     *
     * @throws dev.evalunit.LlmException of kind {@link dev.evalunit.ErrorKind#AUTHENTICATION} for a live run without
     *                                   {@code ANTHROPIC_API_KEY}
     */
    public AnthropicEndpoint anthropicEndpoint() {
        return simulatorRoot != null ? AnthropicEndpoint.simulator(simulatorRoot, client.config())
                : AnthropicEndpoint.configured(client.config(), "Anthropic's models");
    }

    /** The simulator answering this run (a {@code dev.evalunit.simulator.BuiltInSimulator}), when there is no API key. */
    public Optional<AutoCloseable> simulator() {
        return Optional.ofNullable(simulator);
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        return client.generateAsync(request);
    }

    @Override
    public ClientMetrics metrics() {
        return client.metrics();
    }

    @Override
    public boolean simulated() {
        return simulator != null;
    }

    /** Closes the client (letting requests in flight finish), then the simulator. */
    @Override
    public void close() {
        close(client.config().openai().requestTimeout());
    }

    /** Closes the client, giving requests in flight up to {@code grace} to finish, then the simulator. */
    public void close(java.time.Duration grace) {
        try {
            client.close(grace);
        } finally {
            stop(simulator);
        }
    }

    private static AutoCloseable startSimulator() {
        Class<?> type;
        try {
            type = Class.forName(BUILT_IN_SIMULATOR, true, RunClient.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no OpenAI API key (OPENAI_API_KEY) is set and the built-in simulator is not "
                    + "on the class path: set the key, or add the dependency dev.evalunit:evalunit-simulator "
                    + "(evalunit-harness brings it unless it is excluded)");
        }
        try {
            return (AutoCloseable) type.getConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("the built-in simulator did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(BUILT_IN_SIMULATOR + " is not the simulator this harness expects (a "
                    + "public no-argument constructor, Supplier<URI> and AutoCloseable): are evalunit-harness and "
                    + "evalunit-simulator of the same version?", e);
        }
    }

    private static void stop(AutoCloseable simulator) {
        if (simulator == null) {
            return;
        }
        try {
            simulator.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the built-in simulator did not stop cleanly: " + e);
        }
    }
}
