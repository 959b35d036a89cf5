package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.BatchListPage;
import com.anthropic.models.messages.batches.BatchListParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchRequestCounts;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.internal.client.AnthropicEndpoint;
import dev.evalunit.internal.client.Failures;
import dev.evalunit.internal.client.Redactor;
import dev.failsafe.function.CheckedSupplier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * {@link BatchApi} over anthropic-java's Message Batches ({@code client.messages().batches()}), with anthropic-java's
 * own retries off: transient failures are retried with the run's backoff, as {@link OpenAiBatchApi} does.
 *
 * <p>What Anthropic does not have is settled here. There are no files: {@link #upload} only checks the input file and
 * names it ({@code local:<path>}), and {@link #create} reads it and sends its lines, each a {@code requests[]} entry
 * ({@link BatchLines}), in the create call. There is no metadata, so a batch is not known by its ledger id: see
 * {@link #findCreated}. A batch's {@code processing_status} is its {@link BatchStatus}: {@code in_progress},
 * {@code canceling} as {@link BatchStatus#CANCELLING}, and {@code ended} as {@link BatchStatus#COMPLETED}, or
 * {@link BatchStatus#CANCELLED} when a cancel was asked; expiry is per request, in the results. Its results are its
 * one output file (named by the batch id), downloaded as Anthropic writes them ({@link OutputLine} reads them).
 * Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class AnthropicBatchApi implements BatchApi, AutoCloseable {

    /** How failures of these calls name what failed, where the real-time client names the model. */
    static final String SUBJECT = "Message Batches";

    /** The prefix of the name {@link #upload} gives an input file. */
    static final String LOCAL = "local:";

    /** How long before the ask a batch of an unknown create may be dated: the clocks of two machines differ. */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(10);

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
    private static final RequestOptions TRANSFER = RequestOptions.builder()
            .timeout(Duration.ofMinutes(OpenAiBatchApi.TRANSFER_MINUTES)).build();

    /**
     * The batches this process created, with their ledger ids: a batch of another ledger (another suite's, created a
     * moment before) is never taken for one whose create had no answer.
     */
    private static final Map<String, String> CREATED = new ConcurrentHashMap<>();

    private final AnthropicClient client;
    /** Why no call can be made (no key), or {@code null}. */
    private final LlmException unusable;
    private final Redactor redactor;
    private final RetriedCalls calls;
    private final Clock clock;
    private final String endpoint;

    AnthropicBatchApi(AnthropicClient client, LlmException unusable, Redactor redactor, RetryConfig retry, Clock clock,
                      String endpoint) {
        this.client = client;
        this.unusable = unusable;
        this.redactor = redactor;
        this.clock = clock;
        this.endpoint = endpoint;
        this.calls = new RetriedCalls(retry, SUBJECT, redactor);
    }

    /**
     * A client of the endpoint the run asks Anthropic's models at, retrying as {@code retry} says. When there is
     * none ({@code endpoint} fails: a live run without {@code ANTHROPIC_API_KEY}), every call fails with that
     * failure, as the real-time requests to those models do.
     */
    public static AnthropicBatchApi create(Supplier<AnthropicEndpoint> endpoint, RetryConfig retry) {
        AnthropicEndpoint at;
        try {
            at = endpoint.get();
        } catch (LlmException unusable) {
            return new AnthropicBatchApi(null, unusable, Redactor.forKey(null), retry, Clock.systemUTC(), SUBJECT);
        }
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl(at.baseUrl().toString())
                .apiKey(at.apiKey())
                .maxRetries(0)
                .timeout(Timeout.builder().connect(at.connectTimeout()).read(at.requestTimeout())
                        .write(at.requestTimeout()).request(at.requestTimeout()).build())
                .build();
        return new AnthropicBatchApi(client, null, Redactor.forKey(at.apiKey()), retry, Clock.systemUTC(),
                at.baseUrl().toString());
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String name() {
        return "Anthropic's Message Batches";
    }

    @Override
    public String endpointKey() {
        return "evalunit.anthropic.base-url";
    }

    @Override
    public boolean uploads() {
        return false;
    }

    /** Nothing is sent: the file is checked and named, {@code local:<absolute path>}, for {@link #create}. */
    @Override
    public String upload(Path jsonl) {
        if (!Files.isRegularFile(jsonl) || !Files.isReadable(jsonl)) {
            throw LlmException.of(ErrorKind.INVALID_REQUEST, SUBJECT, 1, 0, null, null, null,
                    "the batch input file " + jsonl + " cannot be read", null);
        }
        return LOCAL + jsonl.toAbsolutePath().normalize();
    }

    @Override
    public BatchInfo create(String inputFileId, Map<String, String> metadata) {
        return create(inputFileId, metadata, Set.of());
    }

    /**
     * Creates a Message Batch of the input file's requests. Safe to call again after a failure: before each new
     * attempt it looks for a batch an earlier one may have made before its answer was lost ({@link #findCreated}),
     * unless none of them left this machine. When none did, the failure carries {@link BatchApi#NOT_REACHED}: nothing
     * was created, and there is nothing to look for.
     */
    @Override
    public BatchInfo create(String inputFileId, Map<String, String> metadata, Set<String> known) {
        List<BatchCreateParams.Request> requests = read(inputFileId);
        BatchCreateParams params = BatchCreateParams.builder().requests(requests).build();
        String ledgerId = metadata.get(BatchInfo.LEDGER_ID);
        Instant since = clock.instant().minus(CLOCK_SLACK);
        AtomicBoolean mayHaveReached = new AtomicBoolean();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        BatchInfo made;
        try {
            made = calls.withAttempts(ctx -> {
                if (ctx.getAttemptCount() > 0 && ledgerId != null && mayHaveReached.get()) {
                    Optional<BatchInfo> earlier = findCreated(ledgerId, requests.size(), since, known);
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                }
                try {
                    return info(client().messages().batches().create(params, TRANSFER));
                } catch (RuntimeException e) {
                    Throwable cause = neverSent(e);
                    refused.set(cause);
                    if (cause == null) {
                        mayHaveReached.set(true); // it may have been created before its answer was lost
                    }
                    throw Failures.classify(e, SUBJECT, ctx.getAttemptCount() + 1, redactor);
                }
            });
        } catch (LlmException failure) {
            Throwable io = refused.get();
            if (mayHaveReached.get() || io == null) {
                throw failure;
            }
            throw LlmException.of(ErrorKind.CONNECTION, SUBJECT, failure.attempts(), 0, null, null, null,
                    io.getClass().getSimpleName() + ": " + redactor.redact(io.getMessage()), null, NOT_REACHED, null);
        }
        if (ledgerId != null) {
            CREATED.put(made.id(), ledgerId);
        }
        return made;
    }

    /**
     * The batch an unknown create made, found without metadata by what can be seen of it: the oldest batch created
     * at or after {@code since} with exactly {@code requests} requests that is not {@code known} (the ledger's) and
     * that this process did not create for another ledger id; one this process created for {@code ledgerId} first.
     *
     * <p>What this guarantees: a create that reached Anthropic is found, and its requests are not sent again, as long
     * as no other batch of the same size was created through the same key in that window by anyone else (another
     * process, another run). A batch found wrongly never hands over a wrong answer: results are joined by wire custom
     * ids that hash evalunit's id with the request ({@link BatchLines#customId}), so another batch's results answer
     * none of these requests unless they asked exactly the same; its requests are then sent again as unanswered.
     * What it does not guarantee: that a batch created in the window by someone else is not followed instead of ours
     * (ours, if it exists, then runs unwatched and is paid for twice; a cancel at the deadline would go to the other
     * batch), and that a batch Anthropic lists only later than this look is found.
     */
    @Override
    public Optional<BatchInfo> findCreated(String ledgerId, int requests, Instant since, Set<String> known) {
        List<BatchInfo> candidates = list(since).stream()
                .filter(b -> !known.contains(b.id()))
                .filter(b -> b.counts().total() == requests)
                .filter(b -> CREATED.getOrDefault(b.id(), ledgerId).equals(ledgerId))
                .toList();
        Optional<BatchInfo> ours = candidates.stream().filter(b -> ledgerId.equals(CREATED.get(b.id()))).findFirst();
        return ours.isPresent() ? ours : candidates.stream().min(Comparator.comparing(BatchInfo::createdAt));
    }

    @Override
    public BatchInfo retrieve(String batchId) {
        return call(() -> info(client().messages().batches().retrieve(batchId)));
    }

    @Override
    public List<BatchInfo> list(Instant since) {
        List<BatchInfo> found = new ArrayList<>();
        BatchListPage page = call(() -> client().messages().batches().list(BatchListParams.builder().limit(100L)
                .build()));
        while (true) {
            for (MessageBatch b : page.data()) {
                if (b.createdAt().toInstant().isBefore(since)) {
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

    /** Asks Anthropic to cancel the batch: it is {@code canceling}, then {@code ended} ({@link BatchStatus#CANCELLED}). */
    @Override
    public BatchInfo cancel(String batchId) {
        return call(() -> info(client().messages().batches().cancel(batchId)));
    }

    /** Writes the results of batch {@code fileId} (its output file's id is its own) as JSONL, as Anthropic sends them. */
    @Override
    public void download(String fileId, Path target) {
        call(() -> {
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try (HttpResponse response = client().messages().batches().withRawResponse().resultsStreaming(fileId,
                    com.anthropic.models.messages.batches.BatchResultsParams.none(), TRANSFER);
                 InputStream body = response.body()) {
                Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Durable.publish(partial, target);
            return null;
        });
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }

    private AnthropicClient client() {
        if (unusable != null) {
            throw unusable;
        }
        return client;
    }

    /** What kept a request from leaving this machine at all (a refused connection, an unknown host), or {@code null}. */
    private static Throwable neverSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
                return c;
            }
        }
        return null;
    }

    /** The requests of an input file named by {@link #upload}, each line one {@code requests[]} entry. */
    private static List<BatchCreateParams.Request> read(String inputFileId) {
        if (!inputFileId.startsWith(LOCAL)) {
            throw invalid("the batch input " + inputFileId + " is not a file evalunit wrote for Message Batches", null);
        }
        Path file = Path.of(inputFileId.substring(LOCAL.length()));
        List<BatchCreateParams.Request> requests = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    requests.add(MAPPER.readValue(line, BatchCreateParams.Request.class));
                }
            }
        } catch (IOException e) {
            throw invalid("the batch input file " + file + " cannot be read: " + e, e);
        }
        if (requests.isEmpty()) {
            throw invalid("the batch input file " + file + " holds no request", null);
        }
        return requests;
    }

    private static LlmException invalid(String why, Throwable cause) {
        return LlmException.of(ErrorKind.INVALID_REQUEST, SUBJECT, 1, 0, null, null, null, why, cause);
    }

    private <T> T call(CheckedSupplier<T> call) {
        return calls.call(call);
    }

    /** Anthropic's batch as evalunit's: its counts' total is every request, failed those errored, canceled or expired. */
    static BatchInfo info(MessageBatch b) {
        MessageBatchRequestCounts c = b.requestCounts();
        RequestCounts counts = new RequestCounts(c.processing() + c.succeeded() + c.errored() + c.canceled()
                + c.expired(), c.succeeded(), c.errored() + c.canceled() + c.expired());
        BatchStatus status = status(b);
        String results = status.terminal() && b.resultsUrl().isPresent() ? b.id() : null;
        return new BatchInfo(b.id(), status, null, results, null, counts, Map.of(), b.createdAt().toInstant(),
                b.endedAt().map(OffsetDateTime::toInstant).orElse(null), List.of());
    }

    private static BatchStatus status(MessageBatch b) {
        MessageBatch.ProcessingStatus s = b.processingStatus();
        if (s.equals(MessageBatch.ProcessingStatus.IN_PROGRESS)) {
            return BatchStatus.IN_PROGRESS;
        }
        if (s.equals(MessageBatch.ProcessingStatus.CANCELING)) {
            return BatchStatus.CANCELLING;
        }
        if (s.equals(MessageBatch.ProcessingStatus.ENDED)) {
            return b.cancelInitiatedAt().isPresent() ? BatchStatus.CANCELLED : BatchStatus.COMPLETED;
        }
        return BatchStatus.UNKNOWN;
    }
}
