package dev.evalunit.internal.client;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.client.ClientListener;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.Answerer;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client of one run: against OpenAI (or {@code evalunit.openai.base-url}) when an API key is
 * configured, otherwise against the built-in simulator, started on a loopback port and announced
 * in one line, so nobody mistakes simulated answers for a model's. Closing it closes both.
 */
public final class RunClient implements OpenAiClient {

    private static final System.Logger LOG = System.getLogger(RunClient.class.getName());

    /** The key the simulator is sent; it accepts any key, and this one is not secret. */
    static final String SIMULATOR_KEY = "sk-simulator";

    private final ThrottledClient client;
    private final OpenAiSimulator simulator;

    private RunClient(ThrottledClient client, OpenAiSimulator simulator) {
        this.client = client;
        this.simulator = simulator;
    }

    /** Opens the run's client, starting the simulator when the configuration has no API key. */
    public static RunClient open(EvalConfig config, ClientListener... listeners) {
        OpenAiSimulator simulator = null;
        EvalConfig effective = config;
        if (!config.openai().hasApiKey()) {
            simulator = OpenAiSimulator.start(SimulatorOptions.builder().answerer(Answerer.registered()).build());
            effective = config.withOpenAI(config.openai().withApiKey(SIMULATOR_KEY)
                    .withBaseUrl(URI.create(simulator.baseUrl())));
            String line = "evalunit: no OpenAI API key (OPENAI_API_KEY) is set, so answers are SIMULATED by the "
                    + "built-in simulator at " + simulator.baseUrl() + ", not produced by a model";
            System.err.println(line);
            LOG.log(System.Logger.Level.DEBUG, line); // printed above, once, for people; logged for files
        }
        ThrottledClient.Builder builder = ThrottledClient.builder(effective);
        for (ClientListener listener : listeners) {
            builder.listener(listener);
        }
        try {
            return new RunClient(builder.build(), simulator);
        } catch (RuntimeException e) {
            if (simulator != null) {
                simulator.close();
            }
            throw e;
        }
    }

    /** The client underneath, with what only the harness reads (budget, stops, throttles). */
    public ThrottledClient client() {
        return client;
    }

    /** The simulator answering this run, when there is no API key. */
    public Optional<OpenAiSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        return client.generateAsync(request);
    }

    @Override
    public MetricsRecorder metrics() {
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
            if (simulator != null) {
                simulator.close();
            }
        }
    }
}
