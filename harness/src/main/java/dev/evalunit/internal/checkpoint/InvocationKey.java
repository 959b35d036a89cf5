package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalunit.ChatRequest;
import dev.evalunit.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which invocation of a benchmark test an answer belongs to, and which request it answered.
 * Immutable and thread-safe.
 *
 * <p>The first five components, with the model compared when the run compares several, name the invocation
 * ({@link #id()}); {@code model} and
 * {@code requestHash} say what was asked. A stored answer is found by {@link #answerKey()}, what was asked and
 * which draw of it, not by the invocation: a changed prompt, option or model asks anew, and the answer of the
 * earlier request stays stored for when it is asked again.
 *
 * @param suite       the suite's name, e.g. {@code TruthfulQA}
 * @param test        the test method, e.g. {@code picksTheTrueOption}
 * @param questionId  the question's id, or {@code ""} for a test without questions
 * @param temperature the invocation's temperature, 0 to 2
 * @param sample      the invocation's sample number, {@code >= 0}
 * @param model       the model the request is addressed to (the request's own, or the suite's or configured default)
 * @param requestHash {@link #hash(ChatRequest, String)} of the request and model
 * @param stage       which of the invocation's requests: {@code ""} for the one its {@code @Prompt} builds, or a
 *                    later stage's name, e.g. {@code call 3f2a9c0d5e6b7a81#1} for the first call of that request
 *                    the test body made through its injected client (a judge)
 * @param comparedModel the model the invocation is one of when the run compares several ({@code evalunit.models}),
 *                    part of its {@link #id()}: the invocations of two models differ in nothing else; {@code ""} when
 *                    the run asks one. A later stage keeps its invocation's, whatever model the stage asks (a judge)
 */
@API(status = INTERNAL, since = "0.1")
public record InvocationKey(String suite, String test, String questionId, double temperature, int sample,
                            String model, String requestHash, String stage, String comparedModel) {

    public InvocationKey {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(comparedModel, "comparedModel");
        if (suite.isBlank() || test.isBlank()) {
            throw new IllegalArgumentException("suite and test must not be blank but were \"" + suite + "\", \"" + test + "\"");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2 but was " + temperature);
        }
        temperature += 0.0; // -0.0 becomes 0.0, so both have one id
        if (sample < 0) {
            throw new IllegalArgumentException("sample must be >= 0 but was " + sample);
        }
    }

    /** The key of one stage of an invocation of a run that asks one model. */
    public InvocationKey(String suite, String test, String questionId, double temperature, int sample, String model,
                         String requestHash, String stage) {
        this(suite, test, questionId, temperature, sample, model, requestHash, stage, "");
    }

    /** The key of the prompt's request of an invocation. */
    public InvocationKey(String suite, String test, String questionId, double temperature, int sample, String model,
                         String requestHash) {
        this(suite, test, questionId, temperature, sample, model, requestHash, "");
    }

    /** The key of an invocation that sends {@code request} to {@code model}; computes the request hash. */
    public static InvocationKey of(String suite, String test, String questionId, double temperature, int sample,
                                   ChatRequest request, String model) {
        return new InvocationKey(suite, test, questionId, temperature, sample, model, hash(request, model));
    }

    /**
     * The first 16 hex digits of the SHA-256 of a canonical JSON of what decides the answer: the model,
     * the messages (role and content), temperature, maxTokens, seed, n and topLogprobs. The priority is
     * left out: it decides when a request is sent, not what comes back. Stable across runs, JVMs and
     * platforms (UTF-8, fixed field order, {@code null} written for an unset option).
     *
     * @param model the model the request is addressed to; used instead of {@code request.model()}, which
     *              may be {@code null} for the configured default
     */
    public static String hash(ChatRequest request, String model) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        ObjectNode canonical = Json.MAPPER.createObjectNode();
        canonical.put("model", model);
        ArrayNode messages = canonical.putArray("messages");
        for (Message m : request.messages()) {
            messages.addObject().put("role", m.role().wireName()).put("content", m.content());
        }
        canonical.put("temperature", request.temperature());
        canonical.put("maxTokens", request.maxTokens());
        canonical.put("seed", request.seed());
        canonical.put("n", request.n());
        canonical.put("topLogprobs", request.topLogprobs());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.MAPPER.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot hash a request", e); // SHA-256 is in every JVM
        }
    }

    /** What this invocation's answer is stored and found under: its request and draw, not the invocation. */
    public AnswerKey answerKey() {
        return AnswerKey.of(requestHash, stage, sample);
    }

    /** This key for another sample: what the samples sharing one request of n choices are stored under. */
    public InvocationKey withSample(int sample) {
        return new InvocationKey(suite, test, questionId, temperature, sample, model, requestHash, stage,
                comparedModel);
    }

    /**
     * The invocation's stable, readable name within its suite: {@code <test>|<questionId>|T=<t>|s=<sample>},
     * e.g. {@code picksTheTrueOption|tqa-0042|T=0.5|s=2}, followed by {@code |<stage>} for a later stage. It
     * leaves out the suite (a store holds one suite), the model and the hash: it names the invocation
     * whatever it asks. In a run that compares several models it names the model compared after the question,
     * {@code picksTheTrueOption|tqa-0042|m=gpt-4o-mini|T=0.5|s=2}: the same question at the same temperature
     * is two invocations then, and their batch lines must not share a {@code custom_id}.
     * A {@code |} or {@code \} inside the test, question id or model is escaped with {@code \}, so different
     * invocations never share an id. It is also the Batch API {@code custom_id}.
     */
    public String id() {
        String id = escape(test) + '|' + escape(questionId)
                + (comparedModel.isEmpty() ? "" : "|m=" + escape(comparedModel)) + "|T=" + temperature + "|s=" + sample;
        return stage.isEmpty() ? id : id + '|' + escape(stage);
    }

    private static String escape(String part) {
        if (part.indexOf('|') < 0 && part.indexOf('\\') < 0) {
            return part;
        }
        return part.replace("\\", "\\\\").replace("|", "\\|");
    }
}
