package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.core.http.HttpResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchError;
import com.openai.models.batches.BatchListPage;
import com.openai.models.batches.BatchListParams;
import com.openai.models.files.FileContentParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.evalunit.LlmException;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.internal.client.Failures;
import dev.evalunit.internal.client.Redactor;
import dev.failsafe.function.CheckedSupplier;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * {@link BatchApi} over openai-java's blocking client, with openai-java's own retries off: transient
 * failures (as {@link Failures} classifies them) are retried with the run's backoff
 * ({@code evalunit.retry.*}), a server's {@code Retry-After} obeyed in full. {@link #create} is made
 * safe to retry by looking, before each new attempt, for a batch that already carries the same
 * ledger id. File transfers may take up to {@value #TRANSFER_MINUTES} minutes. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class OpenAiBatchApi implements BatchApi, AutoCloseable {

    /** How failures of these calls name what failed, where the real-time client names the model. */
    static final String SUBJECT = "the Batch API";

    static final int TRANSFER_MINUTES = 10;

    private static final RequestOptions TRANSFER = RequestOptions.builder()
            .timeout(Duration.ofMinutes(TRANSFER_MINUTES)).build();

    private final OpenAIClient client;
    private final RetriedCalls calls;
    private final Clock clock;
    private final String endpoint;

    OpenAiBatchApi(OpenAIClient client, Redactor redactor, RetryConfig retry, Clock clock) {
        this(client, redactor, retry, clock, "the Batch API");
    }

    OpenAiBatchApi(OpenAIClient client, Redactor redactor, RetryConfig retry, Clock clock, String endpoint) {
        this.endpoint = endpoint;
        this.client = client;
        this.clock = clock;
        this.calls = new RetriedCalls(retry, SUBJECT, redactor);
    }

    /** A client of the configured endpoint and key, retrying as {@code retry} says. */
    public static OpenAiBatchApi create(OpenAIConfig openai, RetryConfig retry) {
        if (!openai.hasApiKey()) {
            throw new IllegalStateException("no OpenAI API key: set OPENAI_API_KEY (or -Devalunit.openai.api-key), "
                    + "or run against the simulator");
        }
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder()
                .baseUrl(openai.baseUrl().toString())
                .apiKey(openai.apiKey())
                .maxRetries(0)
                .timeout(openai.requestTimeout());
        if (openai.organization() != null) {
            builder.organization(openai.organization());
        }
        if (openai.project() != null) {
            builder.project(openai.project());
        }
        return new OpenAiBatchApi(builder.build(), Redactor.forKey(openai.apiKey()), retry, Clock.systemUTC(),
                openai.baseUrl().toString());
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String upload(Path jsonl) {
        return call(() -> client.files().create(FileCreateParams.builder().file(jsonl).purpose(FilePurpose.BATCH)
                .build(), TRANSFER).id());
    }

    @Override
    public BatchInfo create(String inputFileId, Map<String, String> metadata) {
        Instant since = clock.instant().minus(Duration.ofMinutes(10));
        String ledgerId = metadata.get(BatchInfo.LEDGER_ID);
        BatchCreateParams.Metadata.Builder meta = BatchCreateParams.Metadata.builder();
        metadata.forEach((k, v) -> meta.putAdditionalProperty(k, JsonValue.from(v)));
        BatchCreateParams params = BatchCreateParams.builder()
                .inputFileId(inputFileId)
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(meta.build())
                .build();
        return calls.withAttempts(ctx -> {
            // The last attempt may have created the batch before its answer was lost.
            if (ctx.getAttemptCount() > 0 && ledgerId != null) {
                Optional<BatchInfo> earlier = list(since).stream()
                        .filter(b -> ledgerId.equals(b.metadata().get(BatchInfo.LEDGER_ID))).findFirst();
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            return calls.attempt(() -> info(client.batches().create(params)), ctx.getAttemptCount() + 1);
        });
    }

    @Override
    public BatchInfo retrieve(String batchId) {
        return call(() -> info(client.batches().retrieve(batchId)));
    }

    @Override
    public List<BatchInfo> list(Instant since) {
        long cutoff = since.getEpochSecond();
        List<BatchInfo> found = new ArrayList<>();
        BatchListPage page = call(() -> client.batches().list(BatchListParams.builder().limit(100L).build()));
        while (true) {
            for (Batch b : page.data()) {
                if (b.createdAt() < cutoff) {
                    return found; // newest first: the rest are older still
                }
                found.add(info(b));
            }
            if (!page.hasNextPage()) {
                return found;
            }
            BatchListPage current = page;
            page = call(current::nextPage);
        }
    }

    @Override
    public BatchInfo cancel(String batchId) {
        return call(() -> info(client.batches().cancel(batchId)));
    }

    @Override
    public void download(String fileId, Path target) {
        call(() -> {
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try (HttpResponse response = client.files().content(fileId, FileContentParams.none(), TRANSFER);
                 InputStream body = response.body()) {
                Files.copy(body, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Durable.publish(partial, target);
            return null;
        });
    }

    @Override
    public void close() {
        client.close();
    }

    private <T> T call(CheckedSupplier<T> call) {
        return calls.call(call);
    }

    static BatchInfo info(Batch b) {
        RequestCounts counts = b.requestCounts()
                .map(c -> new RequestCounts(c.total(), c.completed(), c.failed())).orElse(RequestCounts.NONE);
        Map<String, String> metadata = new HashMap<>();
        if (b.metadata().isPresent()) {
            for (Map.Entry<String, JsonValue> e : b.metadata().get()._allProperties().entrySet()) {
                Optional<?> value = e.getValue().asString();
                if (value.isPresent() && value.get() instanceof String text) {
                    metadata.put(e.getKey(), text);
                }
            }
        }
        Long finished = b.completedAt().or(b::failedAt).or(b::expiredAt).or(b::cancelledAt).orElse(null);
        List<String> errors = new ArrayList<>();
        b.errors().flatMap(Batch.Errors::data).ifPresent(list -> {
            for (BatchError e : list) {
                errors.add(e.code().map(c -> c + ": ").orElse("") + e.message().orElse("(no message)")
                        + e.line().map(l -> " (line " + l + ")").orElse(""));
            }
        });
        return new BatchInfo(b.id(), BatchStatus.of(b.status().asString()), b.inputFileId(),
                b.outputFileId().orElse(null), b.errorFileId().orElse(null), counts, metadata,
                Instant.ofEpochSecond(b.createdAt()), finished == null ? null : Instant.ofEpochSecond(finished), errors);
    }

}
