package dev.evalunit.client;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Message;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.throttle.RateLimitHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
final class OpenAiTransport implements AutoCloseable {

    /** One HTTP exchange that came back 2xx. */
    record Exchange(String model, ChatCompletion completion, HttpResponseFor<ChatCompletion> raw) {

        RateLimitHeaders rateLimitHeaders() {
            return RateLimitHeaders.parse(name -> Failures.first(raw.headers(), name));
        }

        /** Our standard form of the answer, priced with {@code price} when the table has one. */
        Completion toCompletion(int attempt, long latencyNanos, long elapsedNanos, Optional<ModelPrice> price) {
            ChatCompletion body = completion;
            String requestId = raw.requestId().orElse(null);
            if (body.choices().isEmpty()) {
                throw LlmException.of(ErrorKind.MALFORMED_RESPONSE, model, attempt, raw.statusCode(), requestId, null,
                        null, "the response has no choices", null);
            }
            List<String> choices = new ArrayList<>(body.choices().size());
            for (ChatCompletion.Choice choice : body.choices()) {
                choices.add(choice.message().content().orElse(""));
            }
            ChatCompletion.Choice first = body.choices().get(0);
            long prompt = body.usage().map(u -> u.promptTokens()).orElse(0L);
            long output = body.usage().map(u -> u.completionTokens()).orElse(0L);
            long cached = body.usage().flatMap(u -> u.promptTokensDetails()).flatMap(d -> d.cachedTokens()).orElse(0L);
            double cost = price.map(p -> p.cost(prompt, cached, output, false)).orElse(0.0);
            return new Completion(choices.get(0), choices, first.finishReason().asString(), body.model(),
                    (int) prompt, (int) output, (int) cached, Duration.ofNanos(latencyNanos),
                    Duration.ofNanos(elapsedNanos), attempt, requestId, body.systemFingerprint().orElse(null), cost,
                    logprobs(first));
        }

        private static List<Completion.TokenLogprob> logprobs(ChatCompletion.Choice choice) {
            Optional<List<ChatCompletionTokenLogprob>> content = choice.logprobs().flatMap(l -> l.content());
            if (content.isEmpty()) {
                return List.of();
            }
            List<Completion.TokenLogprob> out = new ArrayList<>(content.get().size());
            for (ChatCompletionTokenLogprob t : content.get()) {
                List<Completion.Alternative> top = new ArrayList<>(t.topLogprobs().size());
                for (ChatCompletionTokenLogprob.TopLogprob alt : t.topLogprobs()) {
                    top.add(new Completion.Alternative(alt.token(), alt.logprob()));
                }
                out.add(new Completion.TokenLogprob(t.token(), t.logprob(), top));
            }
            return out;
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

    /** Widens the dispatcher and pool when another model's lane adds its concurrency. */
    void ensureCapacity(int maxConcurrency) {
        Dispatcher dispatcher = http.dispatcher();
        if (dispatcher.getMaxRequests() < maxConcurrency) {
            dispatcher.setMaxRequests(maxConcurrency);
            dispatcher.setMaxRequestsPerHost(maxConcurrency);
        }
    }

    CompletableFuture<Exchange> send(String model, ChatRequest request) {
        return client.chat().completions().withRawResponse().create(params(model, request))
                .thenApply(raw -> new Exchange(model, raw.parse(), raw));
    }

    static ChatCompletionCreateParams params(String model, ChatRequest request) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> b.addSystemMessage(m.content());
                case USER -> b.addUserMessage(m.content());
                case ASSISTANT -> b.addAssistantMessage(m.content());
            }
        }
        if (request.temperature() != null) {
            b.temperature(request.temperature());
        }
        if (request.maxTokens() != null) {
            b.maxCompletionTokens(request.maxTokens());
        }
        if (request.seed() != null) {
            b.seed(request.seed());
        }
        if (request.n() > 1) {
            b.n(request.n());
        }
        if (request.topLogprobs() != null) {
            b.logprobs(true);
            if (request.topLogprobs() > 0) {
                b.topLogprobs(request.topLogprobs());
            }
        }
        return b.build();
    }

    @Override
    public void close() {
        client.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
