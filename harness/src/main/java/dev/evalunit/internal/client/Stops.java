package dev.evalunit.internal.client;

import dev.evalunit.ChatRequest;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The client's record of {@link Stop}s: which failures mean that no further request of the same model,
 * or of the same shape, may be sent, and whether a request is one of those. Thread-safe.
 *
 * <p>Model-wide: 401 and 403 (the key), 429 {@code insufficient_quota}, 404 (an unknown model or a wrong
 * base URL), and a server never reached. Shape-wide: 400 {@code unsupported_value} or
 * {@code unsupported_parameter} naming a parameter evalunit sets, e.g. {@code temperature} on a reasoning
 * model: requests with the same value of that parameter would fail alike, others may not. Any other
 * failure is the request's own.
 */
final class Stops {

    /** The parameters a shape can be made of, by OpenAI's name, with the value a request gives them. */
    private static final Map<String, Function<ChatRequest, String>> SHAPES = Map.of(
            "temperature", r -> "temperature=" + r.temperature(),
            "logprobs", r -> "logprobs=" + r.wantsLogprobs(),
            "top_logprobs", r -> "logprobs=" + r.wantsLogprobs(),
            "max_completion_tokens", r -> "max_completion_tokens=" + (r.maxTokens() != null),
            "max_tokens", r -> "max_completion_tokens=" + (r.maxTokens() != null),
            "seed", r -> "seed=" + (r.seed() != null),
            "n", r -> "n=" + r.n());

    private static final Set<String> SHAPE_CODES = Set.of("unsupported_value", "unsupported_parameter");

    private final String baseUrl;
    private final String anthropicBaseUrl;
    private final Map<String, Stop> byModel = new ConcurrentHashMap<>();
    private final Map<List<String>, Stop> byShape = new ConcurrentHashMap<>();

    /**
     * @param baseUrl          where OpenAI's models are asked, for the advice of a stop
     * @param anthropicBaseUrl where Anthropic's models are asked
     */
    Stops(String baseUrl, String anthropicBaseUrl) {
        this.baseUrl = baseUrl;
        this.anthropicBaseUrl = anthropicBaseUrl;
    }

    private String baseUrlOf(String model) {
        return ModelTraits.of(model).vendor() == ModelTraits.Vendor.ANTHROPIC ? anthropicBaseUrl : baseUrl;
    }

    /** The stop that forbids sending {@code request} to {@code model}, if any. */
    Optional<Stop> forbidding(String model, ChatRequest request) {
        if (byModel.isEmpty() && byShape.isEmpty()) {
            return Optional.empty();
        }
        Stop stop = byModel.get(model);
        if (stop != null) {
            return Optional.of(stop);
        }
        for (Stop shaped : byShape.values()) {
            if (shaped.model().equals(model) && applies(shaped, request)) {
                return Optional.of(shaped);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code stop} forbids {@code request}, which is addressed to the stop's model. */
    static boolean applies(Stop stop, ChatRequest request) {
        return stop.shape() == null || stop.shape().equals(shapeOf(stop.cause(), request));
    }

    /**
     * Records {@code failure} of {@code request} when every request of its model or shape would meet it
     * again; returns the new stop, or empty when it is the request's own failure (or already stopped).
     */
    Optional<Stop> record(String model, ChatRequest request, LlmException failure) {
        if (failure.kind() == ErrorKind.NOT_SENT) {
            return Optional.empty();
        }
        if (modelWide(failure)) {
            return stopModel(model, failure);
        }
        String shape = shapeOf(failure, request);
        if (shape == null) {
            return Optional.empty();
        }
        Stop stop = new Stop(model, shape, failure, baseUrlOf(model));
        return byShape.putIfAbsent(List.of(model, shape), stop) == null ? Optional.of(stop) : Optional.empty();
    }

    /** Stops every request of {@code model}, e.g. when its server was never reached. */
    Optional<Stop> stopModel(String model, LlmException failure) {
        Stop stop = new Stop(model, null, failure, baseUrlOf(model));
        return byModel.putIfAbsent(model, stop) == null ? Optional.of(stop) : Optional.empty();
    }

    /** Every stop so far, model-wide ones first. */
    List<Stop> all() {
        List<Stop> all = new ArrayList<>(byModel.values());
        all.addAll(byShape.values());
        return all;
    }

    private static boolean modelWide(LlmException failure) {
        return failure.kind() == ErrorKind.AUTHENTICATION || failure.kind() == ErrorKind.QUOTA_EXHAUSTED
                || failure.kind() == ErrorKind.INVALID_REQUEST && failure.httpStatus() == 404;
    }

    /** The shape a 400 {@code unsupported_*} failure names, as {@code request} has it; {@code null} for other failures. */
    private static String shapeOf(LlmException failure, ChatRequest request) {
        if (failure.httpStatus() != 400 || !SHAPE_CODES.contains(failure.errorCode()) || failure.errorParam() == null) {
            return null;
        }
        Function<ChatRequest, String> shape = SHAPES.get(failure.errorParam());
        return shape == null ? null : shape.apply(request);
    }
}
