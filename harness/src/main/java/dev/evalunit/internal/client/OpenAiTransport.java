package dev.evalunit.internal.client;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.OpenAIConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Sends chat completions with openai-java's async client over our own OkHttp client, and turns
 * what comes back into our {@link Completion} and rate-limit headers. openai-java's own retries are off (our Failsafe policy
 * owns retries), and the dispatcher and connection pool are sized to the concurrency so a wave of
 * requests reuses connections instead of opening new ones. Thread-safe.
 */
final class OpenAiTransport implements Provider {

    /** One HTTP exchange that came back 2xx. */
    record Exchange(String model, ChatCompletion completion, HttpResponseFor<ChatCompletion> raw)
            implements Provider.Exchange {

        @Override
        public boolean hasUsage() {
            return completion.usage().isPresent();
        }

        @Override
        public RateLimitHeaders rateLimitHeaders() {
            return RateLimitHeaders.parse(name -> Failures.first(raw.headers(), name));
        }

        @Override
        public Completion toCompletion(int attempt, long latencyNanos, long elapsedNanos, Optional<ModelPrice> price) {
            return ChatWire.completion(completion, model, raw.requestId().orElse(null), raw.statusCode(), attempt,
                    Duration.ofNanos(latencyNanos), Duration.ofNanos(elapsedNanos), price, false);
        }
    }

    private final OkHttpClient http;
    private final OpenAIClientAsync client;

    OpenAiTransport(OpenAIConfig config, int maxConcurrency) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxConcurrency);
        dispatcher.setMaxRequestsPerHost(maxConcurrency);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(maxConcurrency, 5, TimeUnit.MINUTES))
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.requestTimeout())
                .writeTimeout(config.requestTimeout())
                .callTimeout(config.requestTimeout())
                .build();
        OpenAIOkHttpClientAsync.Builder builder = OpenAIOkHttpClientAsync.builder()
                .okHttpClient(http)
                .baseUrl(config.baseUrl().toString())
                .apiKey(config.apiKey())
                .maxRetries(0)
                .timeout(config.requestTimeout());
        if (config.organization() != null) {
            builder.organization(config.organization());
        }
        if (config.project() != null) {
            builder.project(config.project());
        }
        this.client = builder.build();
    }

    @Override
    public void ensureCapacity(int maxConcurrency) {
        Dispatcher dispatcher = http.dispatcher();
        if (dispatcher.getMaxRequests() < maxConcurrency) {
            dispatcher.setMaxRequests(maxConcurrency);
            dispatcher.setMaxRequestsPerHost(maxConcurrency);
        }
    }

    @Override
    public CompletableFuture<Exchange> send(String model, ChatRequest request) {
        return client.chat().completions().withRawResponse().create(ChatWire.params(model, request))
                .thenApply(raw -> new Exchange(model, raw.parse(), raw));
    }

    @Override
    public void close() {
        client.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
