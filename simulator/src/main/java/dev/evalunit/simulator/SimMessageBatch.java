package dev.evalunit.simulator;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;

/**
 * One of Anthropic's message batches and its whole life, computed from the clock whenever it is looked at, as
 * {@link SimBatch} computes an OpenAI batch's: nothing runs in the background. It takes the timing of the
 * {@link BatchOptions} in force when it was created: after {@code validatingTime} its requests run one after another,
 * {@code requestTime} each, and {@code finalizingTime} after the last it has ended; a cancel has it
 * {@code canceling} for {@code cancellingTime}; it expires {@code completionWindow} after its creation, or once
 * {@code expireAfterShare} of its requests have run. As on Anthropic, the request counts stay all
 * {@code processing} until the batch has ended, and the results are written then, on the first look after it.
 * Thread-safe: every method holds the batch's lock.
 */
final class SimMessageBatch {

    /** Anthropic's processing statuses; {@link #wireName()} is how the API writes each. */
    enum Status {
        IN_PROGRESS, CANCELING, ENDED;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One request of the batch: its {@code custom_id} and its parsed {@code params}, or why Anthropic's validation
     * refuses them (its result is then {@code errored}).
     */
    record Entry(String customId, MessagesBody body, String invalid) {
    }

    /**
     * The batch at one moment, everything the API shows of it. Times are Unix nanoseconds, {@code null} when not
     * (yet) there; the counts are Anthropic's {@code request_counts}.
     */
    record Snapshot(String id, Status status, long createdAt, long expiresAt, Long endedAt, Long cancelInitiatedAt,
                    int processing, int succeeded, int errored, int canceled, int expired) {
    }

    /** What the batch's end produced: the JSONL of its results and their tallies. */
    private record Outcome(byte[] results, int succeeded, int errored, int canceled, int expired) {
    }

    private static final long NEVER = Long.MAX_VALUE;

    final String id;
    private final List<Entry> entries;
    private final boolean[] serverErrors;
    private final SimulatorOptions options;
    private final Messages messages;
    private final long epochOffsetNanos;
    private final long created;
    private final long validated;
    private final long requestNanos;
    private final long finished;
    private final long windowEnd;
    private final long expires;
    private final int cap;
    private Long cancelAt;
    private Outcome outcome;

    /** @param serverErrors per request, whether it fails with Anthropic's 500 {@code api_error} */
    SimMessageBatch(String id, List<Entry> entries, boolean[] serverErrors, SimulatorOptions options, Messages messages,
                    long nowNanos, long epochOffsetNanos) {
        this.id = id;
        this.entries = List.copyOf(entries);
        this.serverErrors = serverErrors;
        this.options = options;
        this.messages = messages;
        this.epochOffsetNanos = epochOffsetNanos;
        BatchOptions batch = options.batch();
        int n = entries.size();
        created = nowNanos;
        validated = plus(created, batch.validatingTime().toNanos());
        requestNanos = batch.requestTime().toNanos();
        long allDone = doneAt(n);
        finished = plus(allDone, batch.finalizingTime().toNanos());
        cap = batch.expireAfterShare() >= 1 ? n : (int) Math.floor(batch.expireAfterShare() * n);
        windowEnd = plus(created, batch.completionWindow().toNanos());
        expires = Math.min(cap < n ? doneAt(cap) : NEVER, windowEnd < allDone ? windowEnd : NEVER);
    }

    synchronized Snapshot at(long now) {
        long end = end();
        Status status = now >= end ? Status.ENDED
                : cancelAt != null && now >= cancelAt ? Status.CANCELING : Status.IN_PROGRESS;
        Outcome ended = status == Status.ENDED ? outcome() : null;
        return new Snapshot(id, status, unix(created), unix(windowEnd), ended == null ? null : unix(end),
                cancelAt == null ? null : unix(cancelAt), ended == null ? entries.size() : 0,
                ended == null ? 0 : ended.succeeded(), ended == null ? 0 : ended.errored(),
                ended == null ? 0 : ended.canceled(), ended == null ? 0 : ended.expired());
    }

    /** The results as JSONL, one {@code MessageBatchIndividualResponse} a line, or {@code null} before the end. */
    synchronized byte[] results(long now) {
        return now >= end() ? outcome().results() : null;
    }

    /** Cancels the batch if it is in progress; a batch canceling or ended stays as it is. */
    synchronized void cancel(long now) {
        if (cancelAt == null && now < end()) {
            cancelAt = now;
        }
    }

    /** When the batch ends (or ended): its requests done and finalized, expired, or canceled. */
    private long end() {
        long natural = expires != NEVER ? expires : finished;
        return cancelAt != null && cancelAt < natural
                ? plus(cancelAt, options.batch().cancellingTime().toNanos()) : natural;
    }

    /** How many requests had run when processing stopped: they run in order, so these are the first ones. */
    private int ran() {
        long stop = Math.min(expires, cancelAt == null ? NEVER : cancelAt);
        int n = entries.size();
        int ran;
        if (stop < validated) {
            ran = 0;
        } else if (requestNanos == 0 || stop == NEVER) {
            ran = n;
        } else {
            ran = (int) Math.min(n, (stop - validated) / requestNanos);
        }
        return Math.min(ran, cap);
    }

    /** Writes the results, once. */
    private Outcome outcome() {
        if (outcome != null) {
            return outcome;
        }
        int ran = ran();
        boolean canceled = cancelAt != null && cancelAt < (expires != NEVER ? expires : finished);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int succeeded = 0;
        int errored = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (i >= ran) {
                line(out, entry.customId(), canceled ? "canceled" : "expired", null, null);
                continue;
            }
            String[] error = error(entry, i);
            if (error != null) {
                errored++;
                line(out, entry.customId(), "errored", error, null);
            } else {
                succeeded++;
                line(out, entry.customId(), "succeeded", null, entry);
            }
        }
        int unrun = entries.size() - ran;
        outcome = new Outcome(out.toByteArray(), succeeded, errored, canceled ? unrun : 0, canceled ? 0 : unrun);
        return outcome;
    }

    /** Why request {@code i} fails, as its error's type and message, or {@code null} when it is answered. */
    private String[] error(Entry entry, int i) {
        if (entry.invalid() != null) {
            return new String[] {"invalid_request_error", entry.invalid()};
        }
        String model = entry.body().model();
        if (options.unknownModels().contains(model)) {
            return new String[] {"not_found_error", "model: " + model};
        }
        if (entry.body().samplingParameter() != null && !Messages.takesSampling(model)) {
            return new String[] {"invalid_request_error", "`" + entry.body().samplingParameter()
                    + "` is deprecated for this model."};
        }
        if (serverErrors[i]) {
            return new String[] {"api_error", AnthropicFormat.API_ERROR_MESSAGE};
        }
        return null;
    }

    private void line(ByteArrayOutputStream out, String customId, String type, String[] error, Entry answered) {
        out.writeBytes(OpenAiFormat.write(json -> {
            json.writeStartObject();
            json.writeStringField("custom_id", customId);
            json.writeObjectFieldStart("result");
            json.writeStringField("type", type);
            if (error != null) {
                json.writeFieldName("error");
                AnthropicFormat.writeError(json, error[0], error[1], AnthropicFormat.requestId());
            } else if (answered != null) {
                MessagesBody body = answered.body();
                json.writeFieldName("message");
                AnthropicFormat.writeMessage(json, AnthropicFormat.messageId(), body.model(),
                        messages.answer(body, options));
            }
            json.writeEndObject();
            json.writeEndObject();
        }));
        out.write('\n');
    }

    private long doneAt(long count) {
        if (requestNanos != 0 && count > (NEVER - validated) / requestNanos) {
            return NEVER;
        }
        return validated + count * requestNanos;
    }

    private long unix(long nanos) {
        return plus(nanos, epochOffsetNanos);
    }

    private static long plus(long nanos, long more) {
        long sum = nanos + more;
        return ((nanos ^ sum) & (more ^ sum)) < 0 ? NEVER : sum;
    }
}
