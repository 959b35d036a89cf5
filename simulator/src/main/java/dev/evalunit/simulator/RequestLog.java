package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * What an {@link OpenAiSimulator} received. Thread-safe. Keeps the most recent
 * {@link SimulatorOptions#requestLogCapacity()} requests, dropping the oldest, so a run of 100,000
 * requests does not hold every body; the counters count every request.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RequestLog {

    private final ArrayDeque<ReceivedRequest> entries = new ArrayDeque<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder chat = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder tooMany = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder uploads = new LongAdder();
    private final LongAdder batchesCreated = new LongAdder();
    private final LongAdder billedPrompt = new LongAdder();
    private final LongAdder billedCompletion = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> endpoints = new ConcurrentHashMap<>();
    private int capacity;

    RequestLog(int capacity) {
        this.capacity = capacity;
    }

    void add(ReceivedRequest request) {
        total.increment();
        if (request.isChat()) {
            chat.increment();
        } else if (request.isMessages()) {
            messages.increment();
        }
        if (request.status() == 429) {
            tooMany.increment();
        } else if (request.status() == 200) {
            ok.increment();
        }
        String endpoint = request.endpoint();
        endpoints.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
        if (request.status() == 200 && endpoint.equals("POST /v1/files")) {
            uploads.increment();
        } else if (request.status() == 200 && endpoint.equals("POST /v1/batches")) {
            batchesCreated.increment();
        }
        synchronized (entries) {
            if (capacity == 0) {
                return;
            }
            if (entries.size() >= capacity) {
                entries.pollFirst();
            }
            entries.addLast(request);
        }
    }

    /**
     * A chat or Messages answer was generated: the provider bills it whether or not the client is still there to
     * read it.
     */
    void billed(long promptTokens, long completionTokens) {
        billedPrompt.add(promptTokens);
        billedCompletion.add(completionTokens);
    }

    /**
     * The prompt tokens of every chat answer the simulator generated (a 200, including the ones whose
     * client had given up waiting, and those sent without {@code usage}): what a provider would bill. Anthropic's
     * answers ({@link #messagesRequests()}) add their input tokens here, and their output tokens to
     * {@link #billedCompletionTokens()}.
     */
    public long billedPromptTokens() {
        return billedPrompt.sum();
    }

    /** The completion tokens billed, as {@link #billedPromptTokens()}. */
    public long billedCompletionTokens() {
        return billedCompletion.sum();
    }

    void capacity(int capacity) {
        synchronized (entries) {
            this.capacity = capacity;
            while (entries.size() > capacity) {
                entries.pollFirst();
            }
        }
    }

    /** Every request received since the start or the last {@link #clear()}, kept or dropped. */
    public long count() {
        return total.sum();
    }

    /** How many of the kept requests match. */
    public long count(Predicate<ReceivedRequest> predicate) {
        synchronized (entries) {
            return entries.stream().filter(predicate).count();
        }
    }

    /** A copy of the kept requests, oldest first. */
    public List<ReceivedRequest> all() {
        synchronized (entries) {
            return List.copyOf(new ArrayList<>(entries));
        }
    }

    /** Chat completion requests received, whatever their outcome. */
    public long chatRequests() {
        return chat.sum();
    }

    /**
     * Requests to Anthropic's Messages API ({@code POST /v1/messages}) received, whatever their outcome; counted
     * apart from {@link #chatRequests()}. Their bodies are in {@link #all()}, where
     * {@link ReceivedRequest#isMessages()} tells them apart.
     */
    public long messagesRequests() {
        return messages.sum();
    }

    /**
     * Requests to one endpoint, whatever their outcome, named as {@link ReceivedRequest#endpoint()} names
     * them: {@code calls("GET /v1/batches/{batch_id}")} counts every retrieve of any batch.
     */
    public long calls(String endpoint) {
        LongAdder calls = endpoints.get(endpoint);
        return calls == null ? 0 : calls.sum();
    }

    /** Files uploaded: {@code POST /v1/files} answered 200. */
    public long filesUploaded() {
        return uploads.sum();
    }

    /** Batches created: {@code POST /v1/batches} answered 200. */
    public long batchesCreated() {
        return batchesCreated.sum();
    }

    /** Responses with status 429, for rate limits, quota or scripted failures alike. */
    public long rateLimited() {
        return tooMany.sum();
    }

    /** Responses with status 200. */
    public long served200() {
        return ok.sum();
    }

    /** Forgets the kept requests and zeroes the counters. */
    public void clear() {
        synchronized (entries) {
            entries.clear();
            total.reset();
            chat.reset();
            messages.reset();
            tooMany.reset();
            ok.reset();
            uploads.reset();
            batchesCreated.reset();
            billedPrompt.reset();
            billedCompletion.reset();
            endpoints.clear();
        }
    }
}
