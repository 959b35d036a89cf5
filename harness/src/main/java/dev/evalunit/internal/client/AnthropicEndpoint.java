package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Where a run asks Anthropic's models, and with which key: {@code evalunit.anthropic.base-url} and
 * {@code ANTHROPIC_API_KEY}, or the built-in simulator's root when the run is simulated. The real-time transport and
 * Message Batches use the same one, so a batch goes where the run's real-time requests go. Immutable; its
 * {@link #toString()} never shows the key.
 *
 * @param baseUrl        the root anthropic-java adds {@code /v1/...} to, e.g. {@code https://api.anthropic.com}
 * @param apiKey         the key sent
 * @param connectTimeout how long a connection may take ({@code evalunit.openai.connect-timeout}, shared)
 * @param requestTimeout how long a request may take ({@code evalunit.openai.request-timeout}, shared)
 */
@API(status = INTERNAL, since = "0.1")
public record AnthropicEndpoint(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout) {

    public AnthropicEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * The configured endpoint: {@code evalunit.anthropic.base-url} (Anthropic's own by default) with
     * {@code ANTHROPIC_API_KEY}.
     *
     * @param model what a failure names, e.g. the model that needed the endpoint
     * @throws LlmException of kind {@link ErrorKind#AUTHENTICATION} when no key is configured
     */
    public static AnthropicEndpoint configured(EvalConfig config, String model) {
        String key = Providers.anthropicKey(config).orElseThrow(() -> LlmException.of(ErrorKind.AUTHENTICATION, model,
                0, 0, null, null, null, "no Anthropic API key: set ANTHROPIC_API_KEY (or -D"
                        + ConfigKeys.ANTHROPIC_API_KEY + ")", null));
        URI baseUrl = config.values().getAs(ConfigKeys.ANTHROPIC_BASE_URL, AnthropicTransport.DEFAULT_BASE_URL,
                "an http(s) URL", URI::create);
        return new AnthropicEndpoint(baseUrl, key, config.openai().connectTimeout(), config.openai().requestTimeout());
    }

    /** The built-in simulator at its root {@code root} ({@code http://127.0.0.1:PORT}), which takes any key. */
    public static AnthropicEndpoint simulator(URI root, EvalConfig config) {
        return new AnthropicEndpoint(root, Providers.SIMULATOR_KEY, config.openai().connectTimeout(),
                config.openai().requestTimeout());
    }

    @Override
    public String toString() {
        return baseUrl.toString();
    }
}
