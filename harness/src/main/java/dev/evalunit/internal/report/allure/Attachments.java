package dev.evalunit.internal.report.allure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.client.ChatWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The attachments of an invocation's Allure result, as text: the request body, the answer, usage and
 * cost, the retry history, the batch, the scores. They are redacted by the caller before they are
 * written. Stateless and thread-safe.
 */
final class Attachments {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain";

    private final ObjectMapper mapper;

    Attachments(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One attachment: its name in the report, MIME type, file extension and content. */
    record Content(String name, String type, String extension, String text) {
    }

    /**
     * The light layout's one attachment of a call, {@code request and answer}: the request body as sent, the
     * answer (each choice when there are several), usage and cost, the retries when there were any or the
     * request failed, and the batch that answered it or that the invocation waits on.
     */
    Content exchange(String model, ChatRequest request, Completion c, Throwable failure, boolean replayed,
                     String batchId, boolean waiting) {
        ObjectNode x = mapper.createObjectNode();
        try {
            x.set("request", mapper.readTree(ChatWire.body(model, request)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (c != null) {
            if (c.choices().size() <= 1) {
                x.put("answer", c.text());
            } else {
                x.set("answer", mapper.valueToTree(c.choices()));
            }
            x.set("usage", usageNode(c, replayed, batchId));
        }
        // A replayed answer was sent by another invocation or run: its retries are that one's, not this one's.
        Optional<ObjectNode> retries = replayed ? Optional.empty() : retriesNode(c, failure);
        if (retries.isPresent() && (c == null || c.attempts() > 1)) {
            x.set("retries", retries.get());
        }
        if (batchId != null) {
            x.set("batch", batchNode(batchId, waiting ? failure : null));
        }
        return json("request and answer", x);
    }

    /** The body of {@code POST /v1/chat/completions}, exactly as it is (or would be) sent; no headers. */
    Content request(String model, ChatRequest request) {
        try {
            return json("request", mapper.readTree(ChatWire.body(model, request)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer's text; every choice, numbered, when the request asked for several. */
    Content answer(Completion c) {
        if (c.choices().size() <= 1) {
            return new Content("answer", TEXT, "txt", c.text());
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < c.choices().size(); i++) {
            out.append("--- choice ").append(i).append(" ---\n").append(c.choices().get(i)).append('\n');
        }
        return new Content("answer", TEXT, "txt", out.toString());
    }

    /**
     * Tokens, cost and timing. {@code costUsd} is what the request cost when it was sent;
     * {@code costThisRunUsd} is 0 for an answer replayed from the checkpoint, which this run did not pay for.
     */
    Content usage(Completion c, boolean replayed, String batchId) {
        return json("usage and cost", usageNode(c, replayed, batchId));
    }

    private ObjectNode usageNode(Completion c, boolean replayed, String batchId) {
        ObjectNode u = mapper.createObjectNode();
        u.put("model", c.model());
        u.put("finishReason", c.finishReason());
        u.put("promptTokens", c.promptTokens());
        u.put("completionTokens", c.completionTokens());
        u.put("cachedTokens", c.cachedTokens());
        u.put("totalTokens", c.totalTokens());
        u.put("costUsd", c.costUsd());
        u.put("costThisRunUsd", replayed ? 0.0 : c.costUsd());
        u.put("latencyMs", millis(c.latency()));
        u.put("elapsedMs", millis(c.elapsed()));
        u.put("attempts", c.attempts());
        u.put("requestId", c.requestId());
        u.put("systemFingerprint", c.systemFingerprint());
        u.put("replayed", replayed);
        u.put("batchId", batchId);
        return u;
    }

    /**
     * How many attempts the request took, each earlier attempt that failed and was retried (its kind, HTTP
     * status, request id and the wait the server asked for), and, when the request failed for good, the
     * last failure.
     */
    Optional<Content> retries(Completion c, Throwable failure) {
        return retriesNode(c, failure).map(r -> json("retry history", r));
    }

    private Optional<ObjectNode> retriesNode(Completion c, Throwable failure) {
        ObjectNode r = mapper.createObjectNode();
        if (failure instanceof LlmException e) {
            r.put("attempts", e.attempts());
            r.put("result", "failed");
            ObjectNode error = r.putObject("error");
            error.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            error.put("httpStatus", e.httpStatus());
            error.put("requestId", e.requestId());
            if (e.retryAfter() != null) {
                error.put("retryAfterMs", e.retryAfter().toMillis());
            }
            error.put("message", e.getMessage());
            r.set("retried", mapper.valueToTree(e.earlierAttempts()));
        } else if (c != null) {
            r.put("attempts", c.attempts());
            r.put("result", "answered");
            r.set("retried", mapper.valueToTree(c.failedAttempts()));
        } else {
            return Optional.empty();
        }
        return Optional.of(r);
    }

    /** The batch that answered the invocation, or that it waits on (with where it stands). */
    Content batch(String batchId, Throwable aborted) {
        return json("batch", batchNode(batchId, aborted));
    }

    private ObjectNode batchNode(String batchId, Throwable aborted) {
        ObjectNode b = mapper.createObjectNode();
        b.put("batchId", batchId);
        if (aborted != null) {
            b.put("status", aborted.getMessage());
        }
        return b;
    }

    /** What the test recorded on its Scorecard; empty when it recorded nothing. */
    Optional<Content> scores(InvocationResult result) {
        if (result.label() == null && result.scores().isEmpty()) {
            return Optional.empty();
        }
        ObjectNode s = mapper.createObjectNode();
        s.put("label", result.label());
        ObjectNode scores = s.putObject("scores");
        new TreeMap<>(result.scores()).forEach(scores::put);
        return Optional.of(json("scores", s));
    }

    private Content json(String name, Object tree) {
        try {
            return new Content(name, JSON, "json", mapper.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
