package dev.evalunit.internal.client;

import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends chat requests to Anthropic's Messages API with anthropic-java's async client, and turns what comes back into
 * our {@link Completion}, rate-limit headers and failures. anthropic-java's own retries are off (our Failsafe policy
 * owns retries). anthropic-java's OkHttp client sends at most 64 requests at once and does not let that be raised, so
 * the transport holds as many clients as the models' concurrency needs and sends round them. Thread-safe.
 *
 * <p>Failures, by Anthropic's error types: 429 {@code rate_limit_error} is a rate limit (its {@code retry-after}
 * obeyed), 529 {@code overloaded_error} and 5xx a server failure, both retried; 402 {@code billing_error}, and a 400
 * whose message says the credit balance is too low, stop the model as an exhausted quota does; 401 and 403 are the
 * key; any other 4xx is the request's own.
 */
final class AnthropicTransport implements Provider {

    /** Anthropic's own address, without {@code /v1}: the SDK adds the path. */
    static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");

    /** One HTTP exchange that came back 2xx. */
    record Exchange(String model, Message message, HttpResponseFor<Message> raw, Instant received)
            implements Provider.Exchange {

        @Override
        public boolean hasUsage() {
            return true; // Anthropic's usage is a required field: anthropic-java fails to read an answer without it
        }

        @Override
        public RateLimitHeaders rateLimitHeaders() {
            return RateLimitHeaders.anthropic(name -> first(raw.headers(), name), received);
        }

        @Override
        public Completion toCompletion(int attempt, long latencyNanos, long elapsedNanos, Optional<ModelPrice> price) {
            return AnthropicWire.completion(message, model, raw.requestId().orElse(null), raw.statusCode(), attempt,
                    Duration.ofNanos(latencyNanos), Duration.ofNanos(elapsedNanos), price, false);
        }
    }

    /** What one anthropic-java client sends at once: its OkHttp dispatcher's default, which it does not let us set. */
    static final int IN_FLIGHT_PER_CLIENT = 64;

    private final String apiKey;
    private final URI baseUrl;
    private final Timeout timeout;
    private final Clock clock;
    /** As many clients as the models' concurrency needs, 64 in flight each; requests go round them in turn. */
    private final List<AnthropicClientAsync> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong turn = new AtomicLong();

    AnthropicTransport(String apiKey, URI baseUrl, Duration connectTimeout, Duration requestTimeout,
                       int maxConcurrency, Clock clock) {
        this.apiKey = apiKey;
        this.baseUrl = baseUrl;
        this.timeout = Timeout.builder().connect(connectTimeout).read(requestTimeout).write(requestTimeout)
                .request(requestTimeout).build();
        this.clock = clock;
        ensureCapacity(maxConcurrency);
    }

    private AnthropicClientAsync newClient() {
        return AnthropicOkHttpClientAsync.builder()
                .apiKey(apiKey)
                .baseUrl(baseUrl.toString())
                .maxRetries(0)
                .maxIdleConnections(IN_FLIGHT_PER_CLIENT)
                .keepAliveDuration(Duration.ofMinutes(5))
                .timeout(timeout)
                .build();
    }

    /** How many clients the transport holds now. */
    int clients() {
        return clients.size();
    }

    @Override
    public CompletableFuture<Exchange> send(String model, ChatRequest request) {
        AnthropicClientAsync client = clients.get((int) Math.floorMod(turn.getAndIncrement(), (long) clients.size()));
        return client.messages().withRawResponse().create(AnthropicWire.params(model, request))
                .thenApply(raw -> new Exchange(model, raw.parse(), raw, clock.instant()));
    }

    /**
     * Adds clients until they can send {@code maxConcurrency} at once: anthropic-java's OkHttp dispatcher sends at
     * most {@value #IN_FLIGHT_PER_CLIENT}, which would cap a 4,000 RPM account at 0.96 of its limit at a second a
     * request, and a larger one further.
     */
    @Override
    public synchronized void ensureCapacity(int maxConcurrency) {
        int needed = Math.max(1, -Math.floorDiv(-maxConcurrency, IN_FLIGHT_PER_CLIENT));
        while (clients.size() < needed) {
            clients.add(newClient());
        }
    }

    @Override
    public void close() {
        clients.forEach(AnthropicClientAsync::close);
    }

    /** An Anthropic error response as our exception. */
    static LlmException failure(AnthropicServiceException e, String model, int attempt, Redactor redactor) {
        int status = e.statusCode();
        String type = e.errorType().map(t -> t.asString()).orElse(null);
        String message = e.apiMessage().orElse(null);
        String detail = redactor.redact(message != null ? (type != null ? type + ": " : "") + message : e.getMessage());
        RateLimitHeaders limits = RateLimitHeaders.anthropic(name -> first(e.headers(), name), Instant.now());
        ErrorKind kind = kindOf(status, type, message);
        return LlmException.of(kind, model, attempt, status, e.requestId().orElse(null),
                redactor.redact(String.valueOf(e.body())), kind == ErrorKind.RATE_LIMITED ? limits.retryAfter() : null,
                detail, null, type, null);
    }

    /** The kind of an Anthropic error of {@code status} and {@code type} ({@code rate_limit_error}, ...). */
    static ErrorKind kindOf(int status, String type, String message) {
        if ("billing_error".equals(type) || status == 402 || status == 400 && message != null
                && message.toLowerCase(Locale.ROOT).contains("credit balance is too low")) {
            return ErrorKind.QUOTA_EXHAUSTED;
        }
        if (status == 429) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status == 401 || status == 403) {
            return ErrorKind.AUTHENTICATION;
        }
        if (status == 408 || status == 409 || status >= 500) {
            return ErrorKind.SERVER_ERROR;
        }
        return ErrorKind.INVALID_REQUEST;
    }

    /**
     * The HTTP status Anthropic answers an error {@code type} with (its documented errors), for an error that came
     * without one: a Message Batch's {@code errored} result. 500 for a type it does not document.
     */
    static int statusOf(String type) {
        if (type == null) {
            return 500;
        }
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500; // api_error, and any type Anthropic adds
        };
    }

    /** A header's first value, or {@code null}. */
    static String first(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        List<String> values = headers.values(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
