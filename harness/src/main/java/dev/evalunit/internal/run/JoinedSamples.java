package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The answers of samples asked one request each, joined into one answer of as many choices, as a request of n
 * choices would have come back: what samples that share a request take their choice of. Stateless.
 */
final class JoinedSamples {

    private JoinedSamples() {
    }

    /**
     * One answer whose choices are {@code parts}' first choices in order, with their tokens and costs added up, the
     * longest of their latencies, and the first's request id and finish.
     */
    static Completion of(List<Completion> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no answers to join");
        }
        Completion first = parts.get(0);
        List<String> choices = new ArrayList<>(parts.size());
        List<List<Completion.TokenLogprob>> logprobs = new ArrayList<>(parts.size());
        List<Completion.FailedAttempt> failed = new ArrayList<>();
        int prompt = 0;
        int output = 0;
        int cached = 0;
        double cost = 0;
        for (Completion part : parts) {
            choices.add(part.text());
            logprobs.add(part.logprobs());
            failed.addAll(part.failedAttempts());
            prompt += part.promptTokens();
            output += part.completionTokens();
            cached += part.cachedTokens();
            cost += part.costUsd();
        }
        Duration latency = parts.stream().map(Completion::latency).max(Comparator.naturalOrder()).orElseThrow();
        Duration elapsed = parts.stream().map(Completion::elapsed).max(Comparator.naturalOrder()).orElseThrow();
        int attempts = parts.stream().mapToInt(Completion::attempts).max().orElseThrow();
        return new Completion(first.text(), choices, first.finishReason(), first.model(), prompt, output, cached,
                latency, elapsed, attempts, first.requestId(), first.systemFingerprint(), cost, first.logprobs(), failed,
                first.fallbackModel(), logprobs);
    }
}
