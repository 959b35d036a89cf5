package dev.evalunit.internal.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory Files and Batches API for the coordinator's unit tests. A batch finishes the first
 * time it is retrieved (unless {@link #hold}), each line as {@link #outcome} says; every line of every
 * created batch is counted in {@link #sent}. Thread-safe.
 */
final class FakeBatchApi implements BatchApi {

    /** What becomes of one line when its batch finishes. */
    enum Line { ANSWER, SERVER_ERROR, BAD_REQUEST, EXPIRED, MISSING }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, List<String>> files = new ConcurrentHashMap<>();
    final Map<String, Batch> batches = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
    final AtomicInteger uploads = new AtomicInteger();
    final AtomicInteger creates = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    volatile Function<String, Line> outcome = id -> Line.ANSWER;
    volatile BatchStatus finalStatus = BatchStatus.COMPLETED;
    volatile boolean hold;
    /** Thrown by the next create: before creating when {@code crashAfterCreating} is false, after it when true. */
    volatile RuntimeException crash;
    volatile boolean crashAfterCreating;
    /** Thrown by every list while set. */
    volatile RuntimeException listFailure;
    /** What a download of a file id throws, or {@code null} when it succeeds. */
    volatile Function<String, RuntimeException> downloadFailure = fileId -> null;
    /** Every file id a download was asked for, in order, failed or not. */
    final List<String> downloads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();

    static final class Batch {
        final String id;
        final String inputFileId;
        final Map<String, String> metadata;
        final Instant createdAt = Instant.now();
        volatile BatchStatus status = BatchStatus.IN_PROGRESS;
        volatile String outputFileId;
        volatile String errorFileId;
        volatile RequestCounts counts;

        Batch(String id, String inputFileId, Map<String, String> metadata, int lines) {
            this.id = id;
            this.inputFileId = inputFileId;
            this.metadata = Map.copyOf(metadata);
            this.counts = new RequestCounts(lines, 0, 0);
        }
    }

    @Override
    public String upload(Path jsonl) {
        try {
            String id = "file-" + ids.incrementAndGet();
            files.put(id, Files.readAllLines(jsonl));
            uploads.incrementAndGet();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public BatchInfo create(String inputFileId, Map<String, String> metadata) {
        RuntimeException c = crash;
        if (c != null && !crashAfterCreating) {
            crash = null;
            throw c;
        }
        List<String> input = files.get(inputFileId);
        if (input == null) {
            throw LlmException.of(ErrorKind.INVALID_REQUEST, "the Batch API", 1, 404, null, null, null,
                    "no such file " + inputFileId, null);
        }
        Batch b = new Batch("batch_" + ids.incrementAndGet(), inputFileId, metadata, input.size());
        for (String line : input) {
            sent.computeIfAbsent(customId(line), k -> new AtomicInteger()).incrementAndGet();
        }
        batches.put(b.id, b);
        creates.incrementAndGet();
        if (c != null) {
            crash = null;
            throw c;
        }
        return info(b);
    }

    @Override
    public BatchInfo retrieve(String batchId) {
        Batch b = batches.get(batchId);
        if (!hold && !b.status.terminal()) {
            finish(b, finalStatus);
        }
        return info(b);
    }

    @Override
    public List<BatchInfo> list(Instant since) {
        RuntimeException failure = listFailure;
        if (failure != null) {
            throw failure;
        }
        List<BatchInfo> out = new ArrayList<>();
        synchronized (batches) {
            batches.values().forEach(b -> out.add(0, info(b)));
        }
        return out;
    }

    @Override
    public BatchInfo cancel(String batchId) {
        cancels.incrementAndGet();
        Batch b = batches.get(batchId);
        b.status = BatchStatus.CANCELLING;
        return info(b);
    }

    @Override
    public void download(String fileId, Path target) {
        downloads.add(fileId);
        RuntimeException failure = downloadFailure.apply(fileId);
        if (failure != null) {
            throw failure;
        }
        try {
            Files.write(target, files.get(fileId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finishes a held batch now, as {@link #outcome} says. */
    void finish(String batchId, BatchStatus status) {
        finish(batches.get(batchId), status);
    }

    /** Every custom id sent in a created batch, with how often. */
    int sent(String customId) {
        AtomicInteger n = sent.get(customId);
        return n == null ? 0 : n.get();
    }

    private synchronized void finish(Batch b, BatchStatus status) {
        List<String> output = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String line : files.get(b.inputFileId)) {
            String id = customId(line);
            switch (outcome.apply(id)) {
                case ANSWER -> output.add(answer(id, model(line)));
                case SERVER_ERROR -> errors.add(failed(id, 500, "server_error", "The server had an error"));
                case BAD_REQUEST -> errors.add(failed(id, 400, "invalid_value", "Invalid value for 'temperature'"));
                case EXPIRED -> errors.add("{\"id\":\"batch_req_x\",\"custom_id\":" + quote(id) + ",\"response\":null,"
                        + "\"error\":{\"code\":\"batch_expired\",\"message\":\"This request could not be executed before "
                        + "the completion window expired.\"}}");
                case MISSING -> { }
            }
        }
        if (!output.isEmpty()) {
            b.outputFileId = "file-" + ids.incrementAndGet();
            files.put(b.outputFileId, output);
        }
        if (!errors.isEmpty()) {
            b.errorFileId = "file-" + ids.incrementAndGet();
            files.put(b.errorFileId, errors);
        }
        b.counts = new RequestCounts(b.counts.total(), output.size(), errors.size());
        b.status = status;
    }

    static String answerText(String customId) {
        return "answer to " + customId;
    }

    private static String answer(String id, String model) {
        return "{\"id\":\"batch_req_1\",\"custom_id\":" + quote(id) + ",\"response\":{\"status_code\":200,"
                + "\"request_id\":\"req_" + Math.abs(id.hashCode()) + "\",\"body\":{\"id\":\"chatcmpl-1\","
                + "\"object\":\"chat.completion\",\"created\":1723000000,\"model\":\"" + model + "-2024-07-18\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + quote(answerText(id))
                + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100},"
                + "\"system_fingerprint\":\"fp_1\"}},\"error\":null}";
    }

    private static String failed(String id, int status, String code, String message) {
        return "{\"id\":\"batch_req_2\",\"custom_id\":" + quote(id) + ",\"response\":{\"status_code\":" + status
                + ",\"request_id\":\"req_e\",\"body\":{\"error\":{\"message\":" + quote(message)
                + ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"" + code + "\"}}},\"error\":null}";
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String customId(String line) {
        return read(line).get("custom_id").asText();
    }

    private static String model(String line) {
        return read(line).get("body").get("model").asText();
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BatchInfo info(Batch b) {
        return new BatchInfo(b.id, b.status, b.inputFileId, b.outputFileId, b.errorFileId, b.counts, b.metadata,
                b.createdAt, b.status.terminal() ? Instant.now() : null, List.of());
    }

}
