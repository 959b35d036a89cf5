package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A model's answer to one {@link ChatRequest}, standardized across transports. Immutable.
 *
 * @param text              the first choice's text
 * @param choices           every choice's text (one unless the request asked for {@code n > 1})
 * @param finishReason      why generation stopped ({@code stop}, {@code length}, ...)
 * @param model             the model that answered, as the API reports it
 * @param promptTokens      input tokens billed
 * @param completionTokens  output tokens billed
 * @param cachedTokens      input tokens served from the prompt cache (billed at the cached price)
 * @param latency           the round trip of the attempt that succeeded
 * @param elapsed           from the call to the answer: queueing, throttling, retries and the round trip
 * @param attempts          how many attempts it took (1 when the first one succeeded)
 * @param requestId         the API's {@code x-request-id}, or {@code null}
 * @param systemFingerprint the backend configuration the API reports, or {@code null}
 * @param costUsd           what the request cost, from the configured price table
 * @param logprobs          per-token log probabilities of the first choice; empty unless asked for
 * @param failedAttempts    the attempts that failed before this answer, in order (empty when the first
 *                          one succeeded, and for answers replayed from a checkpoint or joined from a batch)
 * @param fallbackModel     the model that answered in place of the request's own ({@code evalunit.fallback-model}),
 *                          or {@code null} when the request's own model answered
 * @param choiceLogprobs    per choice, its per-token log probabilities, when a request asked for several choices
 *                          and log probabilities; empty otherwise (not kept in checkpoints: each sample's line holds
 *                          its own choice, see {@link #share})
 */
@API(status = STABLE, since = "0.1")
public record Completion(
        String text,
        List<String> choices,
        String finishReason,
        String model,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        Duration latency,
        Duration elapsed,
        int attempts,
        String requestId,
        String systemFingerprint,
        double costUsd,
        List<TokenLogprob> logprobs,
        List<FailedAttempt> failedAttempts,
        String fallbackModel,
        List<List<TokenLogprob>> choiceLogprobs) {

    public Completion {
        Objects.requireNonNull(text, "text");
        choices = List.copyOf(choices);
        logprobs = List.copyOf(logprobs);
        choiceLogprobs = choiceLogprobs == null ? List.of() : List.copyOf(choiceLogprobs);
        failedAttempts = failedAttempts == null ? List.of() : List.copyOf(failedAttempts);
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** An answer whose log probabilities, if any, are of its first choice only. */
    public Completion(String text, List<String> choices, String finishReason, String model, int promptTokens,
                      int completionTokens, int cachedTokens, Duration latency, Duration elapsed, int attempts,
                      String requestId, String systemFingerprint, double costUsd, List<TokenLogprob> logprobs,
                      List<FailedAttempt> failedAttempts, String fallbackModel) {
        this(text, choices, finishReason, model, promptTokens, completionTokens, cachedTokens, latency, elapsed,
                attempts, requestId, systemFingerprint, costUsd, logprobs, failedAttempts, fallbackModel, List.of());
    }

    /** An answer of the request's own model with no failed attempt recorded. */
    public Completion(String text, List<String> choices, String finishReason, String model, int promptTokens,
                      int completionTokens, int cachedTokens, Duration latency, Duration elapsed, int attempts,
                      String requestId, String systemFingerprint, double costUsd, List<TokenLogprob> logprobs) {
        this(text, choices, finishReason, model, promptTokens, completionTokens, cachedTokens, latency, elapsed,
                attempts, requestId, systemFingerprint, costUsd, logprobs, List.of(), null);
    }

    /** This answer with the attempts that failed before it. */
    public Completion withFailedAttempts(List<FailedAttempt> failed) {
        return new Completion(text, choices, finishReason, model, promptTokens, completionTokens, cachedTokens,
                latency, elapsed, attempts, requestId, systemFingerprint, costUsd, logprobs, failed, fallbackModel,
                choiceLogprobs);
    }

    /** This answer, given by {@code fallbackModel} in place of the request's own model. */
    public Completion withFallbackModel(String fallbackModel) {
        return new Completion(text, choices, finishReason, model, promptTokens, completionTokens, cachedTokens,
                latency, elapsed, attempts, requestId, systemFingerprint, costUsd, logprobs, failedAttempts,
                fallbackModel, choiceLogprobs);
    }

    /** This answer with its token counts and cost, e.g. estimated for a response that reported no usage. */
    public Completion withUsage(int promptTokens, int completionTokens, double costUsd) {
        return new Completion(text, choices, finishReason, model, promptTokens, completionTokens, cachedTokens,
                latency, elapsed, attempts, requestId, systemFingerprint, costUsd, logprobs, failedAttempts,
                fallbackModel, choiceLogprobs);
    }

    /**
     * Choice {@code choice} of this answer as one of {@code of} samples that shared its request: its own text and
     * log probabilities, and an {@code of}-th of the tokens and cost (the first sample takes what does not divide),
     * so the samples' lines add up to what the request was billed.
     */
    public Completion share(int choice, int of) {
        if (choice < 0 || choice >= choices.size() || of < 1) {
            throw new IllegalArgumentException("choice " + choice + " of " + of + " samples, but the answer has "
                    + choices.size() + " choices");
        }
        String own = choices.get(choice);
        List<TokenLogprob> ownLogprobs = choice < choiceLogprobs.size() ? choiceLogprobs.get(choice)
                : choice == 0 ? logprobs : List.of();
        int prompt = promptTokens / of + (choice == 0 ? promptTokens % of : 0);
        int completion = completionTokens / of + (choice == 0 ? completionTokens % of : 0);
        int cached = cachedTokens / of + (choice == 0 ? cachedTokens % of : 0);
        return new Completion(own, List.of(own), finishReason, model, prompt, completion, cached, latency, elapsed,
                attempts, requestId, systemFingerprint, costUsd / of, ownLogprobs, failedAttempts, fallbackModel,
                List.of());
    }

    /** Whether the fallback model answered in place of the request's own. */
    public boolean fromFallback() {
        return fallbackModel != null;
    }

    /**
     * One attempt of a request that failed and was retried.
     *
     * @param attempt      1 for the first
     * @param kind         the error kind, e.g. {@code rate_limited}, {@code server_error}, {@code timeout}
     * @param httpStatus   0 when no response came
     * @param requestId    the API's request id, or {@code null}
     * @param retryAfterMs the wait the server asked for, or {@code null}
     */
    public record FailedAttempt(int attempt, String kind, int httpStatus, String requestId, Long retryAfterMs) {
    }

    /** Input plus output tokens. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /**
     * One generated token with its log probability and the most likely alternatives at its position.
     *
     * @param token   the token's text
     * @param logprob its natural-log probability
     * @param top     the alternatives the API returned, most likely first (may include the token itself)
     */
    public record TokenLogprob(String token, double logprob, List<Alternative> top) {
        public TokenLogprob {
            top = List.copyOf(top);
        }
    }

    /** An alternative token at one position. */
    public record Alternative(String token, double logprob) {
    }
}
