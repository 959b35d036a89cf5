package dev.evalunit.client;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.LlmClient;
import dev.evalunit.config.EvalConfig;
import java.util.Iterator;
import java.util.ServiceLoader;
import org.apiguardian.api.API;

/**
 * The shared, rate-limited OpenAI client, for code that asks a model outside a benchmark (a script, a judge's
 * calibration). Thread-safe: one instance serves a whole program, and closing it lets requests in flight finish
 * (up to the request timeout), then releases connections and threads.
 *
 * <p>Each request passes the budget cap, retries with backoff for retryable failures only, a circuit breaker
 * per model, the model's throttle (priority queue, RPM and TPM buckets, adaptive concurrency), then
 * openai-java over a pooled OkHttp client. A benchmark does not make one: the run's client is injected as
 * {@link LlmClient}.
 *
 * <pre>{@code
 * try (OpenAiClient llm = OpenAiClient.create(EvalConfig.load())) {
 *     Completion c = llm.generate(ChatRequest.user("Capital of Australia?").maxTokens(20));
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface OpenAiClient extends LlmClient, AutoCloseable {

    /**
     * A client for {@code config}'s endpoint and key.
     *
     * @throws IllegalStateException when the configuration has no API key (use {@link #open} to fall back to the
     *                               built-in simulator)
     */
    static OpenAiClient create(EvalConfig config, ClientListener... listeners) {
        return Factory.loaded().create(config, false, listeners);
    }

    /**
     * The client a run would use: {@code config}'s endpoint when it has an API key, otherwise the built-in
     * simulator (module {@code evalunit-simulator}), started on a loopback port and announced in one line on
     * standard error, so nobody mistakes simulated answers for a model's. Closing the client closes it too.
     */
    static OpenAiClient open(EvalConfig config, ClientListener... listeners) {
        return Factory.loaded().create(config, true, listeners);
    }

    /** What this client has done so far. */
    ClientMetrics metrics();

    /** Whether the built-in simulator answers, not a model. */
    boolean simulated();

    /**
     * Stops taking requests, waits up to the request timeout for those in flight, then releases connections and
     * threads (and the simulator, if it started one).
     */
    @Override
    void close();

    /**
     * Makes clients: the harness provides the one implementation (a service of the module, not an exported
     * type), found with {@link ServiceLoader}.
     */
    interface Factory {

        /**
         * A client for {@code config}; with {@code simulatorWithoutKey}, the built-in simulator answers when
         * the configuration has no API key.
         */
        OpenAiClient create(EvalConfig config, boolean simulatorWithoutKey, ClientListener... listeners);

        private static Factory loaded() {
            Iterator<Factory> found = ServiceLoader.load(Factory.class, Factory.class.getClassLoader()).iterator();
            if (!found.hasNext()) {
                throw new IllegalStateException("no " + Factory.class.getName() + " service on the class path: "
                        + "the evalunit-harness jar provides it; is it complete?");
            }
            return found.next();
        }
    }
}
