package dev.evalunit.simulator;

import dev.evalunit.simulator.SimulatedBatch.Status;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/**
 * One batch and its whole life, computed from the clock whenever it is looked at: nothing runs in the
 * background. Everything that decides its course (the validated input, which requests fail, whether the
 * batch fails, when it expires) is fixed when it is created; only a cancel changes it later. The answers
 * are written when the batch ends, on the first look after that. Thread-safe: every method holds the
 * batch's lock.
 */
final class SimBatch {

    /** What a batch's end produced: its files and the tokens its successful requests used. */
    private record Outcome(String outputFileId, String errorFileId, long inputTokens, long outputTokens) {
    }

    /** The batch at one moment, everything the API shows of it. Timestamps are Unix seconds or {@code null}. */
    record Snapshot(String id, Status status, String endpoint, String inputFileId, Map<String, String> metadata,
                    String model, List<BatchInput.Error> errors, long createdAt, Long inProgressAt, long expiresAt,
                    Long finalizingAt, Long completedAt, Long failedAt, Long expiredAt, Long cancellingAt,
                    Long cancelledAt, int total, int completed, int failed, String outputFileId, String errorFileId,
                    long inputTokens, long outputTokens) {

        SimulatedBatch view() {
            return new SimulatedBatch(id, status, model, inputFileId, total, completed, failed, outputFileId,
                    errorFileId, metadata == null ? Map.of() : metadata);
        }
    }

    private static final long NEVER = Long.MAX_VALUE;

    final String id;
    private final String inputFileId;
    private final String endpoint;
    private final Map<String, String> metadata;
    private final BatchInput input;
    private final List<BatchInput.Error> errors;
    private final boolean[] serverErrors;
    private final int[] failedBefore;
    private final SimulatorOptions options;
    private final FileStore files;
    private final ChatCompletions chat;
    private final long epochOffsetNanos;
    private final long created;
    private final long validated;
    private final long requestNanos;
    private final long allDone;
    private final long finished;
    private final long windowEnd;
    private final long expires;
    private final int cap;
    private Long cancelAt;
    private Outcome outcome;

    /**
     * @param failure      the error that fails the whole batch after validation, or {@code null}
     * @param serverErrors per request, whether it fails with 500 {@code server_error}
     */
    SimBatch(String id, FileStore.StoredFile inputFile, String endpoint, Map<String, String> metadata, BatchInput input,
             BatchInput.Error failure, boolean[] serverErrors, SimulatorOptions options, FileStore files,
             ChatCompletions chat, long nowNanos, long epochOffsetNanos) {
        this.id = id;
        this.inputFileId = inputFile.id();
        this.endpoint = endpoint;
        this.metadata = metadata;
        this.input = input;
        this.errors = failure != null && input.errors().isEmpty() ? List.of(failure) : input.errors();
        this.serverErrors = serverErrors;
        this.options = options;
        this.files = files;
        this.chat = chat;
        this.epochOffsetNanos = epochOffsetNanos;
        int n = input.requests().size();
        failedBefore = new int[n + 1];
        for (int i = 0; i < n; i++) {
            boolean fails = serverErrors[i] || input.requests().get(i).invalid() != null;
            failedBefore[i + 1] = failedBefore[i] + (fails ? 1 : 0);
        }
        BatchOptions batch = options.batch();
        created = nowNanos;
        validated = plus(created, batch.validatingTime().toNanos());
        requestNanos = batch.requestTime().toNanos();
        allDone = doneAt(n);
        finished = plus(allDone, batch.finalizingTime().toNanos());
        cap = batch.expireAfterShare() >= 1 ? n : (int) Math.floor(batch.expireAfterShare() * n);
        windowEnd = plus(created, batch.completionWindow().toNanos());
        expires = Math.min(cap < n ? doneAt(cap) : NEVER, windowEnd < allDone ? windowEnd : NEVER);
    }

    synchronized Snapshot at(long now) {
        Status status = status(now);
        boolean started = started(now);
        int done = started ? processed(now) : 0;
        Outcome ended = status == Status.COMPLETED || status == Status.EXPIRED || status == Status.CANCELLED
                ? end(status, started) : null;
        return new Snapshot(id, status, endpoint, inputFileId, metadata, now >= validated ? input.model() : null,
                status == Status.FAILED ? errors : List.of(), unix(created), started ? unix(validated) : null,
                unix(windowEnd), status == Status.FINALIZING || status == Status.COMPLETED ? unix(allDone) : null,
                status == Status.COMPLETED ? unix(finished) : null,
                status == Status.FAILED ? unix(validated) : null,
                status == Status.EXPIRED ? unix(expires) : null,
                cancelAt == null ? null : unix(cancelAt),
                status == Status.CANCELLED ? unix(cancelEnd()) : null,
                started ? input.requests().size() : 0, done - failedBefore[done], failedBefore[done],
                ended == null ? null : ended.outputFileId(), ended == null ? null : ended.errorFileId(),
                ended == null ? 0 : ended.inputTokens(), ended == null ? 0 : ended.outputTokens());
    }

    /** The batch as a create answers it: validating, however short validation is, as on OpenAI. */
    synchronized Snapshot atCreation() {
        return new Snapshot(id, Status.VALIDATING, endpoint, inputFileId, metadata, null, List.of(), unix(created), null,
                unix(windowEnd), null, null, null, null, null, null, 0, 0, 0, null, null, 0, 0);
    }

    /** Cancels the batch if it is validating or in progress; whether it is now cancelling or cancelled. */
    synchronized boolean cancel(long now) {
        Status status = status(now);
        if (status == Status.CANCELLING || status == Status.CANCELLED) {
            return true;
        }
        if (status != Status.VALIDATING && status != Status.IN_PROGRESS) {
            return false;
        }
        cancelAt = now;
        return true;
    }

    private Status status(long t) {
        if (cancelAt != null && t >= cancelAt) {
            return t >= cancelEnd() ? Status.CANCELLED : Status.CANCELLING;
        }
        if (!errors.isEmpty()) {
            return t < validated ? Status.VALIDATING : Status.FAILED;
        }
        if (t >= expires) {
            return Status.EXPIRED;
        }
        if (t < validated) {
            return Status.VALIDATING;
        }
        if (t < allDone) {
            return Status.IN_PROGRESS;
        }
        return t < finished ? Status.FINALIZING : Status.COMPLETED;
    }

    /** Whether the batch has passed validation and begun running its requests by {@code t}. */
    private boolean started(long t) {
        return errors.isEmpty() && t >= validated && validated <= expires
                && (cancelAt == null || cancelAt >= validated);
    }

    /** How many requests have run by {@code t}; they run in file order, so these are the first ones. */
    private int processed(long t) {
        long stop = Math.min(t, Math.min(expires, cancelAt == null ? NEVER : cancelAt));
        int n = input.requests().size();
        int ran;
        if (stop < validated) {
            ran = 0;
        } else if (requestNanos == 0) {
            ran = n;
        } else {
            ran = (int) Math.min(n, (stop - validated) / requestNanos);
        }
        return Math.min(ran, cap);
    }

    private long doneAt(long count) {
        if (requestNanos != 0 && count > (NEVER - validated) / requestNanos) {
            return NEVER;
        }
        return validated + count * requestNanos;
    }

    private long cancelEnd() {
        return plus(cancelAt, options.batch().cancellingTime().toNanos());
    }

    /** Writes the output and error files, once. */
    private Outcome end(Status status, boolean started) {
        if (outcome != null) {
            return outcome;
        }
        int done = started ? processed(NEVER) : 0;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ByteArrayOutputStream failures = new ByteArrayOutputStream();
        long inputTokens = 0;
        long outputTokens = 0;
        List<BatchInput.Request> requests = input.requests();
        for (int i = 0; i < done; i++) {
            BatchInput.Request request = requests.get(i);
            if (request.invalid() != null) {
                ChatBody.Invalid invalid = request.invalid();
                BatchJson.line(failures, request.customId(), 400, OpenAiFormat.errorBody(invalid.getMessage(),
                        "invalid_request_error", invalid.param, invalid.code));
            } else if (serverErrors[i]) {
                BatchJson.line(failures, request.customId(), 500, OpenAiFormat.errorBody(
                        ChatCompletions.SERVER_ERROR_MESSAGE, "server_error", null, "server_error"));
            } else {
                ChatCompletions.Generated answer = chat.generate(request.body(), options);
                inputTokens += answer.promptTokens();
                outputTokens += answer.completionTokens();
                BatchJson.line(output, request.customId(), 200,
                        ChatCompletions.write(answer, request.body(), unix(doneAt(i + 1))));
            }
        }
        if (started && status != Status.COMPLETED) {
            for (int i = done; i < requests.size(); i++) {
                if (status == Status.EXPIRED) {
                    BatchJson.unrun(failures, requests.get(i).customId(), "batch_expired",
                            "This request could not be executed before the completion window expired.");
                } else {
                    BatchJson.unrun(failures, requests.get(i).customId(), "batch_cancelled",
                            "This request was not executed because the batch was cancelled.");
                }
            }
        }
        long endedAt = unix(switch (status) {
            case COMPLETED -> finished;
            case EXPIRED -> expires;
            default -> cancelEnd();
        });
        outcome = new Outcome(file(output, "output", endedAt), file(failures, "error", endedAt), inputTokens,
                outputTokens);
        return outcome;
    }

    private String file(ByteArrayOutputStream lines, String kind, long createdAt) {
        if (lines.size() == 0) {
            return null;
        }
        return files.add(id + "_" + kind + ".jsonl", "batch_output", lines.toByteArray(), createdAt, null).id();
    }

    private long unix(long nanos) {
        return Math.floorDiv(plus(nanos, epochOffsetNanos), 1_000_000_000L);
    }

    private static long plus(long nanos, long more) {
        long sum = nanos + more;
        return ((nanos ^ sum) & (more ^ sum)) < 0 ? NEVER : sum;
    }
}
