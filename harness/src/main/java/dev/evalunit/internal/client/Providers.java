package dev.evalunit.internal.client;

import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The client's providers, found by the model a request goes to ({@link ModelTraits}): OpenAI's (or an
 * OpenAI-compatible server's) made at once, Anthropic's on the first request to one of its models, with
 * {@code ANTHROPIC_API_KEY} and {@code evalunit.anthropic.base-url}, or, without a key, against the built-in
 * simulator, which the run announced when it started it. Thread-safe.
 */
final class Providers implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Providers.class.getName());

    /** The key the simulator is sent; it accepts any key, and this one is not secret. */
    static final String SIMULATOR_KEY = "sk-ant-simulator";

    private final EvalConfig config;
    private final OpenAiTransport openai;
    private final Supplier<URI> simulator;
    private final int maxConcurrency;
    private volatile AnthropicTransport anthropic;
    /** The most every lane together may send at once, as the lanes made so far said. */
    private volatile int capacity;

    /**
     * @param simulator the built-in simulator's base URL, started on first use, for a provider without a key; or
     *                  {@code null} when a missing key is an error
     */
    Providers(EvalConfig config, Supplier<URI> simulator) {
        this.config = config;
        this.simulator = simulator;
        this.maxConcurrency = config.rateLimit().maxConcurrency();
        this.openai = config.openai().hasApiKey() ? new OpenAiTransport(config.openai(), maxConcurrency) : null;
    }

    /** The Anthropic key configured, if any: what the redactor must also hide. */
    static Optional<String> anthropicKey(EvalConfig config) {
        return config.values().get(ConfigKeys.ANTHROPIC_API_KEY).map(String::strip).filter(k -> !k.isEmpty());
    }

    /**
     * The provider of {@code model}.
     *
     * @throws LlmException of kind {@link ErrorKind#AUTHENTICATION} for an Anthropic model with neither a key nor a
     *                      simulator
     */
    Provider of(String model) {
        if (ModelTraits.of(model).vendor() != ModelTraits.Vendor.ANTHROPIC) {
            if (openai == null) {
                throw LlmException.of(ErrorKind.AUTHENTICATION, model, 0, 0, null, null, null,
                        "no OpenAI API key: set OPENAI_API_KEY (or -D" + ConfigKeys.OPENAI_API_KEY + ")", null);
            }
            return openai;
        }
        AnthropicTransport made = anthropic;
        if (made != null) {
            return made;
        }
        synchronized (this) {
            if (anthropic == null) {
                anthropic = anthropic(model);
            }
            return anthropic;
        }
    }

    private AnthropicTransport anthropic(String model) {
        AnthropicEndpoint at;
        if (anthropicKey(config).isPresent() || simulator == null) {
            at = AnthropicEndpoint.configured(config, model);
        } else {
            at = AnthropicEndpoint.simulator(simulator.get(), config);
            // the run said so when it started the simulator; the address is for the log
            LOG.log(System.Logger.Level.DEBUG, "Anthropic's models are answered by the built-in simulator at "
                    + at.baseUrl());
        }
        return new AnthropicTransport(at.apiKey(), at.baseUrl(), at.connectTimeout(), at.requestTimeout(),
                Math.max(maxConcurrency, capacity), Clock.systemUTC());
    }

    /** Widens every provider's connections when another model's lane adds its concurrency. */
    void ensureCapacity(int total) {
        capacity = Math.max(capacity, total);
        if (openai != null) {
            openai.ensureCapacity(total);
        }
        AnthropicTransport made = anthropic;
        if (made != null) {
            made.ensureCapacity(total);
        }
    }

    @Override
    public void close() {
        if (openai != null) {
            openai.close();
        }
        AnthropicTransport made = anthropic;
        if (made != null) {
            made.close();
        }
    }
}
